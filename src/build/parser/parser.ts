// The Dockerfile parser, a port of BuildKit's parser.Parse (frontend/dockerfile/parser/parser.go): physical
// lines are joined into logical ones (escape-token continuations, with blank and comment lines inside a
// continuation skipped), each logical line becomes one instruction node, and heredoc bodies are read after
// the line that names them. No variable is expanded here.
import { DirectiveParser, validateEscapeToken } from './directives.js';
import { trimLeftSpace, trimSpace } from './go-strings.js';
import { canContainHeredoc, heredocsFromLine } from './heredoc.js';
import { newNodeFromLine } from './line-parsers.js';
import { newNode, type Node } from './node.js';
import { DockerfileParseError, locate } from './parse-error.js';

export interface ParseOptions {
  /** Only used to label errors. */
  filename?: string;
}

export interface ParseResult {
  /** Root node: one child per instruction. */
  ast: Node;
  /** Parser directives found at the top of the file (lower-case names). */
  directives: { syntax?: string; escape?: string; check?: string };
  /** BuildKit's parse warnings (short form); see formatWarnings. */
  warnings: string[];
  escapeToken: string;
}

// bufio.Scanner's default limit: a longer line fails the whole parse.
const MAX_LINE_BYTES = 64 * 1024;

class LineReader {
  private readonly lines: string[] = [];
  private i = 0;
  constructor(text: string) {
    // Like BuildKit's scanLines: split after each "\n" and keep the line endings.
    for (let start = 0; start < text.length;) {
      const nl = text.indexOf('\n', start);
      const end = nl < 0 ? text.length : nl + 1;
      this.lines.push(text.slice(start, end));
      start = end;
    }
  }
  next(): string | undefined {
    return this.i < this.lines.length ? this.lines[this.i++] : undefined;
  }
}

const trimNewline = (s: string): string => s.replace(/[\r\n]+$/, '');
const isComment = (s: string): boolean => trimLeftSpace(s).startsWith('#');

function continuationRegex(escapeToken: string): RegExp {
  const e = '\\' + escapeToken;
  // The escape token ends a line unless it is itself escaped; a line of just the token continues too.
  return new RegExp(`([^${e}])${e}[ \\t]*$|^${e}[ \\t]*$`);
}

class Parser {
  private escapeToken = '\\';
  private contRe = continuationRegex('\\');
  private readonly directives = new DirectiveParser();
  private readonly reader: LineReader;
  private currentLine = 0;
  private comments: string[] = [];
  readonly warnings: string[] = [];

  constructor(text: string, private readonly filename?: string) {
    this.reader = new LineReader(text.startsWith('\ufeff') ? text.slice(1) : text);
  }

  private fail(message: string, startLine: number, endLine = startLine): never {
    throw new DockerfileParseError(message, { startLine, endLine, filename: this.filename });
  }

  private read(): string | undefined {
    const line = this.reader.next();
    if (line !== undefined && line.length >= MAX_LINE_BYTES / 4 && Buffer.byteLength(trimNewline(line)) >= MAX_LINE_BYTES) {
      this.fail(`dockerfile line greater than max allowed size of ${MAX_LINE_BYTES - 1}`, this.currentLine + 1);
    }
    return line;
  }

  // processLine: drop the line ending (and leading blanks on a first line), look for a directive, blank out
  // comments.
  private processLine(raw: string, stripLeft: boolean): { text: string; directive: boolean } {
    let token = trimNewline(raw);
    if (stripLeft) token = trimLeftSpace(token);
    const d = locate(() => this.directives.parseLine(token), this.currentLine + 1, this.currentLine + 1, this.filename);
    if (d?.name === 'escape') {
      this.escapeToken = locate(() => validateEscapeToken(d.value), d.line, d.line, this.filename);
      this.contRe = continuationRegex(this.escapeToken);
    }
    return { text: isComment(token) ? '' : token, directive: d !== null };
  }

  private trimContinuation(line: string): { line: string; end: boolean } {
    if (!this.contRe.test(line)) return { line, end: true };
    return { line: line.replace(this.contRe, '$1'), end: false };
  }

  private trackComment(raw: string): void {
    if (!isComment(raw)) return;
    const comment = trimSpace(raw.slice(1));
    if (comment === '') this.comments = [];
    else this.comments.push(comment);
  }

  // Read continuation lines until one does not end in the escape token (or the file ends).
  private readContinuation(first: string): string {
    let line = first;
    let hasEmpty = false;
    for (let raw = this.read(); raw !== undefined; raw = this.read()) {
      const { text } = this.processLine(raw, false);
      this.currentLine++;
      if (isComment(raw)) continue;
      if (trimLeftSpace(trimNewline(text)) === '') { hasEmpty = true; continue; }
      const t = this.trimContinuation(text);
      line += t.line;
      if (t.end) break;
    }
    if (hasEmpty) this.warnings.push('Empty continuation line found in: ' + line);
    return line;
  }

  private readHeredocs(child: Node, line: string, startLine: number): void {
    const docs = locate(() => heredocsFromLine(line), startLine, this.currentLine, this.filename);
    for (const doc of docs) {
      let content = '';
      let terminated = false;
      for (let raw = this.read(); raw !== undefined; raw = this.read()) {
        this.currentLine++;
        let candidate = trimNewline(raw);
        if (doc.chomp) candidate = candidate.replace(/^\t+/, '');
        if (candidate === doc.name) { terminated = true; break; }
        content += raw;
      }
      if (!terminated) this.fail('unterminated heredoc', startLine, this.currentLine);
      child.heredocs.push({ ...doc, content });
    }
  }

  parse(): ParseResult {
    const root = newNode();
    for (let raw = this.read(); raw !== undefined; raw = this.read()) {
      this.trackComment(raw);
      const { text, directive } = this.processLine(raw, true);
      if (directive) this.comments.pop();
      this.currentLine++;
      const startLine = this.currentLine;
      const first = this.trimContinuation(text);
      if (first.end && first.line === '') continue;
      const line = first.end ? first.line : this.readContinuation(first.line);
      const child = locate(() => newNodeFromLine(line, this.escapeToken, this.comments), startLine, this.currentLine, this.filename);
      if (canContainHeredoc(child) && line.includes('<<')) this.readHeredocs(child, line, startLine);
      child.startLine = startLine;
      child.endLine = this.currentLine;
      root.children.push(child);
      this.comments = [];
    }
    if (root.children.length === 0) {
      throw new DockerfileParseError('file with no instructions', { startLine: 0, filename: this.filename });
    }
    root.startLine = root.children[0]!.startLine;
    root.endLine = root.children[root.children.length - 1]!.endLine;
    return { ast: root, directives: this.directiveValues(), warnings: this.warnings, escapeToken: this.escapeToken };
  }

  private directiveValues(): ParseResult['directives'] {
    const out: ParseResult['directives'] = {};
    for (const name of ['syntax', 'escape', 'check'] as const) {
      const v = this.directives.get(name);
      if (v !== undefined) out[name] = v;
    }
    return out;
  }
}

/** Parse Dockerfile text into BuildKit's AST. Throws DockerfileParseError (an InvalidParameter). */
export function parseDockerfile(text: string, opts: ParseOptions = {}): ParseResult {
  return new Parser(text, opts.filename).parse();
}

/** The warnings as BuildKit's Result.PrintWarnings writes them. */
export function formatWarnings(warnings: readonly string[]): string {
  if (warnings.length === 0) return '';
  return warnings.map((w) => `[WARNING]: ${w}\n`).join('') +
    '[WARNING]: Empty continuation lines will become errors in a future release.\n';
}

// Heredoc detection on an instruction line (`RUN <<EOF`, `RUN <<-"EOF" cat`, `COPY <<A <<B /dst/`), as
// BuildKit's heredocsFromLine/ParseHeredoc do it: the line is split into shell words with quotes and escapes
// kept, and every word of the form [fd]<<[-]WORD names a heredoc. A quoted delimiter turns expansion off.
import type { Heredoc, Node } from './node.js';
import { ShellLex } from './shell-lex.js';

// Go's \d and \s are ASCII-only.
const RE_HEREDOC = /^([0-9]*)<<(-?)[\t\n\f\r ]*([^<]*)$/;
const NO_ENV: ReadonlyMap<string, string> = new Map();

// Instructions whose shell-form line may carry heredocs; ONBUILD counts when what it wraps does.
const HEREDOC_INSTRUCTIONS = new Set(['add', 'copy', 'run']);

function countQuotes(s: string): number {
  let n = 0;
  for (const ch of s) if (ch === '"' || ch === "'") n++;
  return n;
}

/** The heredoc a single word names, or null (ParseHeredoc). Body content is left empty. */
export function parseHeredoc(src: string): Heredoc | null {
  const m = RE_HEREDOC.exec(src);
  if (!m || m[3] === '') return null;
  const rest = m[3]!;
  // Lexed with and without quotes: a difference in quote count means part of the word was quoted.
  const words = new ShellLex('\\', { skipUnsetEnv: true }).processWords(rest, NO_ENV);
  if (words.length !== 1) return null;
  const raw = new ShellLex('\\', { skipUnsetEnv: true, rawQuotes: true }).processWords(rest, NO_ENV);
  const name = words[0]!;
  return {
    name,
    fileDescriptor: m[1] === '' ? 0 : Number(m[1]),
    expand: countQuotes(name) === countQuotes(raw[0] ?? ''),
    chomp: m[2] === '-',
    content: '',
  };
}

/** parseHeredoc with lexing errors read as "not a heredoc" (BuildKit's MustParseHeredoc). */
export function mustParseHeredoc(src: string): Heredoc | null {
  try {
    return parseHeredoc(src);
  } catch {
    return null;
  }
}

/** Every heredoc named on an instruction line, in order. BuildKit always lexes these with `\` as escape. */
export function heredocsFromLine(line: string): Heredoc[] {
  let words: string[];
  try {
    words = new ShellLex('\\', { rawQuotes: true, rawEscapes: true, skipUnsetEnv: true }).processWords(line, NO_ENV);
  } catch {
    words = []; // BuildKit ignores this lexing error: the line just has no heredocs
  }
  const docs: Heredoc[] = [];
  for (const word of words) {
    const doc = parseHeredoc(word);
    if (doc) docs.push(doc);
  }
  return docs;
}

export function canContainHeredoc(node: Node): boolean {
  let target: Node = node;
  if (node.value.toLowerCase() === 'onbuild' && node.next && node.next.children.length > 0) {
    target = node.next.children[0]!;
  }
  return HEREDOC_INSTRUCTIONS.has(target.value.toLowerCase()) && target.attributes.json !== true;
}

/** `<<-` bodies lose the leading tabs of every line (ChompHeredocContent). */
export function chompHeredocContent(src: string): string {
  return src.replace(/(?<=^|\n)\t+/g, ''); // Go's (?m)^ starts a line only after "\n"
}


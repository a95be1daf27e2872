// Parser directives (`# syntax=...`, `# escape=...`, `# check=...`), recognised like BuildKit's
// DirectiveParser: only in the leading run of `#` lines. The first line that is not a `# key=value`
// comment with a known key (a blank line, an instruction, any other comment) ends the search for good.
import { InvalidParameter } from '../../errors.js';
import { trimLeftSpace } from './go-strings.js';

const VALID = new Set(['syntax', 'escape', 'check']);
// Go's \s is ASCII-only: [\t\n\f\r ].
const DIRECTIVE_RE = /^([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*([^\n]+?)[\t\n\f\r ]*$/;

export interface Directive {
  name: string;
  value: string;
  line: number;
}

export class DirectiveParser {
  private line = 0;
  private done = false;
  private readonly seen = new Map<string, Directive>();

  /** Feed every physical line in order (newline removed, leading blanks trimmed); returns a directive or null. */
  parseLine(text: string): Directive | null {
    this.line++;
    if (this.done) return null;
    if (!text.startsWith('#')) { this.done = true; return null; }
    const m = DIRECTIVE_RE.exec(trimLeftSpace(text.slice(1)));
    const key = m?.[1]?.toLowerCase();
    if (!m || key === undefined || !VALID.has(key)) { this.done = true; return null; }
    if (this.seen.has(key)) throw new InvalidParameter(`only one ${key} parser directive can be used`);
    const directive = { name: key, value: m[2]!, line: this.line };
    this.seen.set(key, directive);
    return directive;
  }

  get(name: string): string | undefined {
    return this.seen.get(name)?.value;
  }
}

export function validateEscapeToken(s: string): string {
  if (s !== '`' && s !== '\\') {
    throw new InvalidParameter(`invalid escape token '${s}' does not match \` or \\`);
  }
  return s;
}

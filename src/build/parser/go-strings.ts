// Go string primitives the BuildKit parser leans on, so our output matches it byte for byte: unicode.IsSpace,
// strings.TrimSpace, regexp.Split and strconv.Quote. JS strings are UTF-16, so everything here walks code points.
import { goQuote } from '../../units/index.js';

// unicode.IsSpace: Latin-1 spaces plus Unicode White_Space (not U+FEFF, which JS's \s includes).
const SPACE_RE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;

export function isSpace(ch: string): boolean {
  return SPACE_RE.test(ch);
}

export function trimLeftSpace(s: string): string {
  let i = 0;
  const cps = Array.from(s);
  while (i < cps.length && isSpace(cps[i]!)) i++;
  return cps.slice(i).join('');
}

export function trimSpace(s: string): string {
  const cps = Array.from(s);
  let start = 0;
  let end = cps.length;
  while (start < end && isSpace(cps[start]!)) start++;
  while (end > start && isSpace(cps[end - 1]!)) end--;
  return cps.slice(start, end).join('');
}

// Go's regexp.Split(s, n): n < 0 means all pieces; an empty s gives [""]; a match at offset 0 adds no
// leading empty piece; a match that ends the string leaves a trailing "" (BuildKit nils that one out itself).
export function goSplit(re: RegExp, s: string, n: number): string[] {
  if (n === 0) return [];
  if (s === '') return [''];
  const global = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of s.matchAll(global)) {
    if (n > 0 && out.length === n - 1) break;
    end = m.index;
    const mEnd = m.index + m[0].length;
    if (mEnd !== 0) out.push(s.slice(beg, end));
    beg = mEnd;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

// strconv.Quote, used by Node.Dump and by %q in BuildKit's messages, is shared with the CLI in units/.
export { goQuote };

// fmt's %q on a []string: ["a" "b"].
export function goQuoteList(list: readonly string[]): string {
  return '[' + list.map(goQuote).join(' ') + ']';
}

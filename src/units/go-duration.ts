// Go's time.ParseDuration with Go's error texts, returning nanoseconds (the unit Docker's configs store): for
// HEALTHCHECK flags in the builder, --health-* in the CLI, --since/--until, and compose's durations.
import { InvalidParameter } from '../errors.js';

const UNITS: Record<string, number> = {
  ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9,
};
const PART_RE = /^([0-9]*)(?:\.([0-9]*))?([^0-9.]*)/;

export function parseGoDuration(input: string): number {
  const invalid = (): InvalidParameter => new InvalidParameter(`time: invalid duration ${timeQuote(input)}`);
  let s = input;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) { sign = s[0] === '-' ? -1 : 1; s = s.slice(1); }
  if (s === '0') return 0;
  if (s === '') throw invalid();
  let total = 0;
  while (s !== '') {
    const m = PART_RE.exec(s)!;
    const [all, whole = '', frac, unit = ''] = m;
    if (whole === '' && (frac === undefined || frac === '')) throw invalid();
    if (unit === '') throw new InvalidParameter(`time: missing unit in duration ${timeQuote(input)}`);
    const scale = UNITS[unit];
    if (scale === undefined) throw new InvalidParameter(`time: unknown unit ${timeQuote(unit)} in duration ${timeQuote(input)}`);
    total += Number(whole || '0') * scale + (frac ? Number('0.' + frac) * scale : 0);
    s = s.slice(all.length);
  }
  return sign * Math.round(total);
}

/**
 * The time package's own quote (not strconv.Quote): printable ASCII as is with " and \ escaped, every byte of
 * a non-ASCII or control character as \xNN, so "µs" reads "\xc2\xb5s" in the message.
 */
export function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x80 || cp < 0x20) {
      for (const byte of Buffer.from(ch, 'utf8')) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    } else {
      out += ch === '"' || ch === '\\' ? `\\${ch}` : ch;
    }
  }
  return `${out}"`;
}

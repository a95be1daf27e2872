// Go's time.ParseDuration, for HEALTHCHECK --interval/--timeout/--start-period/--start-interval, with Go's
// error text. Returns nanoseconds (the unit Docker's image config stores).
import { InvalidParameter } from '../../errors.js';
import { goQuote } from './go-strings.js';

const UNITS: Record<string, number> = {
  ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9,
};
const PART_RE = /^([0-9]*)(?:\.([0-9]*))?([^0-9.]*)/;

export function parseGoDuration(input: string): number {
  const invalid = (): InvalidParameter => new InvalidParameter(`time: invalid duration ${goQuote(input)}`);
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
    if (unit === '') throw new InvalidParameter(`time: missing unit in duration ${goQuote(input)}`);
    const scale = UNITS[unit];
    if (scale === undefined) throw new InvalidParameter(`time: unknown unit ${goQuote(unit)} in duration ${goQuote(input)}`);
    total += Number(whole || '0') * scale + (frac ? Number('0.' + frac) * scale : 0);
    s = s.slice(all.length);
  }
  return sign * Math.round(total);
}

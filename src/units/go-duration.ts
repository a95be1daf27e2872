// Go's time.ParseDuration ("1m30s", "500ms"), returning nanoseconds, as the health-check flags take them.
const UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

export function parseGoDuration(text: string): number {
  const bad = () => new Error(`time: invalid duration ${JSON.stringify(text)}`);
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) { sign = s[0] === '-' ? -1 : 1; s = s.slice(1); }
  if (s === '0') return 0;
  if (s === '') throw bad();
  let total = 0;
  while (s) {
    const m = /^(\d*\.?\d*)(ns|us|µs|ms|s|m|h)/.exec(s);
    if (!m || m[1] === '' || m[1] === '.') {
      if (/^\d*\.?\d*$/.test(s)) throw new Error(`time: missing unit in duration ${JSON.stringify(text)}`);
      throw bad();
    }
    total += Number(m[1]) * UNITS[m[2]!]!;
    s = s.slice(m[0].length);
  }
  return sign * Math.round(total);
}

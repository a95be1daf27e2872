// Human-readable durations and sizes exactly as Docker prints them (github.com/docker/go-units):
// the daemon uses them for `ps` Status ("Up 3 minutes"), the CLI for CREATED and SIZE columns.

/** go-units HumanDuration: "Less than a second", "About a minute", "3 hours", "2 weeks", ... */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / 3_600_000);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(hours / 24 / 365)} years`;
}

const DECIMAL = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

/** Go's %.4g: at most `precision` significant digits, no trailing zeros. */
function formatG(n: number, precision: number): string {
  if (n === 0) return '0';
  let s = n.toPrecision(precision);
  if (s.includes('e')) {
    const [mant, exp] = s.split('e');
    const m = mant!.includes('.') ? mant!.replace(/0+$/, '').replace(/\.$/, '') : mant!;
    const e = Number(exp);
    return `${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

function scaled(size: number, base: number, units: string[]): [number, string] {
  let i = 0;
  while (size >= base && i < units.length - 1) { size /= base; i++; }
  return [size, units[i]!];
}

/** go-units HumanSizeWithPrecision(size, 3) as used by docker images/ps: "1.23MB", "4.1kB", "0B". */
export function humanSize(bytes: number, precision = 4): string {
  const [n, unit] = scaled(bytes, 1000, DECIMAL);
  return `${formatG(n, precision)}${unit}`;
}

/** go-units BytesSize: binary units, "1.5MiB". */
export function bytesSize(bytes: number): string {
  const [n, unit] = scaled(bytes, 1024, BINARY);
  return `${formatG(n, 4)}${unit}`;
}

/** go-units RAMInBytes / FromHumanSize: "512m", "1g", "100k", "1.5GB" → bytes (binary multipliers for RAM). */
export function ramInBytes(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)(i?b)?$/i.exec(text.trim());
  if (!m) throw new Error(`invalid size: '${text}'`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 }[m[2]!.toLowerCase() as '' | 'k'];
  return Math.floor(Number(m[1]) * mult!);
}

export { DEFAULT_DETACH_KEYS, detachKeyBytes, EscapeMatcher } from './detach-keys.js';
export { IgnoreMatcher, readIgnoreFile } from './dockerignore.js';
export { parseGoDuration } from './go-duration.js';
export { goQuote } from './go-quote.js';
export { checkFilterKeys, filterTimestampMs } from './time-filter.js';

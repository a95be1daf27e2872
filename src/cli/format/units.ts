// docker/go-units: HumanSize (decimal, 4 significant digits via %.4g), BytesSize (binary) and HumanDuration,
// which docker uses for SIZE columns and "Up 3 seconds" / "Created 2 minutes ago".

const DECIMAL = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

/** go-units getSizeAndUnit: divide by base until below it. */
function sizeAndUnit(size: number, base: number, units: string[]): [number, string] {
  let i = 0;
  while (size >= base && i < units.length - 1) { size /= base; i++; }
  return [size, units[i]!];
}

/** Go's %.*g: `precision` significant digits, trailing zeros dropped. */
function formatG(n: number, precision: number): string {
  if (n === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(Number(n.toPrecision(precision)))));
  if (exp < -4 || exp >= precision) {
    const s = n.toExponential(precision - 1).replace(/\.?0+e/, 'e');
    return s.replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return String(Number(n.toPrecision(precision)));
}

/** go-units HumanSizeWithPrecision: "1.23MB" for precision 3. */
export function humanSizeWithPrecision(size: number, precision: number): string {
  const [s, unit] = sizeAndUnit(size, 1000, DECIMAL);
  return `${formatG(s, precision)}${unit}`;
}

/** go-units HumanSize: 4 significant digits, decimal units ("4.864kB", "1.98MB", "0B"). */
export function humanSize(size: number): string { return humanSizeWithPrecision(size, 4); }

/** go-units BytesSize: binary units ("1.5MiB"). */
export function bytesSize(size: number): string {
  const [s, unit] = sizeAndUnit(size, 1024, BINARY);
  return `${formatG(s, 4)}${unit}`;
}

/** go-units HumanDuration of milliseconds: "Less than a second", "About a minute", "3 weeks", "2 years". */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  const minutes = Math.trunc(ms / 60_000);
  const hours = Math.round(ms / 3_600_000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / 3_600_000) / 24 / 365)} years`;
}

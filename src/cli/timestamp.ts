// timetypes.GetTimestamp: --since/--until values as the API wants them ("secs.nanos"): a Unix time as is,
// a Go duration relative to now, or an RFC 3339 date.
import { parseGoDuration } from '../units/index.js';

export function getTimestamp(value: string, nowMs = Date.now()): string {
  if (/^\d+(\.\d+)?$/.test(value)) return value;
  try {
    const ns = parseGoDuration(value);
    const t = nowMs * 1e6 - ns;
    return `${Math.floor(t / 1e9)}.${String(Math.floor(t % 1e9)).padStart(9, '0')}`;
  } catch { /* not a duration */ }
  const ms = Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(value) || !value.includes('T') ? value : `${value}Z`);
  if (Number.isNaN(ms)) throw new Error(`failed to parse value as time or duration: ${JSON.stringify(value)}`);
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1e6).padStart(9, '0')}`;
}

// dockerd's until=/since= filter values (timetypes.GetTimestamp as prune and events read them): Unix seconds
// (with a fraction), a Go duration back from now ("10m", "1h30m"), or an RFC 3339 date or day.
import { InvalidParameter } from '../errors.js';
import { parseGoDuration } from './go-duration.js';

/** The instant `value` names, in ms since the epoch; dockerd's message when it names none. */
export function filterTimestampMs(value: string, nowMs = Date.now()): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  try { return nowMs - parseGoDuration(value) / 1e6; } catch { /* not a duration */ }
  const ms = Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(value) || !value.includes('T') ? value : `${value}Z`);
  if (Number.isNaN(ms) || value === '') throw new InvalidParameter(`failed to parse value as time or duration: ${JSON.stringify(value)}`);
  return ms;
}

/** filters.Validate: the first key `allowed` lacks, as dockerd names it ("Invalid filter 'bad'"). */
export function checkFilterKeys(filters: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(filters)) if (!allowed.includes(k)) throw new InvalidParameter(`Invalid filter '${k}'`);
}

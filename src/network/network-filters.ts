// Filters of GET /networks and POST /networks/prune, with dockerd 20.10's keys, matching rules and errors:
// name and id match substrings, driver matches exactly, label is "key" or "key=value" (prune also takes
// "label!="), type is custom|builtin, dangling is a boolean (see listFilter), until a timestamp or a Go duration.
import { InvalidParameter, SystemError } from '../errors.js';
import { parseGoDuration } from '../units/index.js';
import type { NetworkRecord } from './types.js';

export type Filters = Record<string, string[] | undefined>;

const LIST_KEYS = ['dangling', 'driver', 'id', 'label', 'name', 'scope', 'type'];
const PRUNE_KEYS = ['label', 'label!', 'until'];

export const PREDEFINED = ['bridge', 'host', 'none'];

/** The three networks every daemon has (the default bridge, host and none); they cannot be removed. */
export function isPredefined(n: NetworkRecord): boolean {
  return n.Driver !== 'bridge' || n.Options['com.docker.network.bridge.default_bridge'] === 'true';
}

function checkKeys(filters: Filters, keys: string[]): void {
  for (const k of Object.keys(filters)) if (!keys.includes(k)) throw new InvalidParameter(`Invalid filter '${k}'`);
}

function labelsMatch(labels: Record<string, string>, specs: string[] | undefined, negate: boolean): boolean {
  if (!specs?.length) return true;
  const hit = (spec: string) => {
    const i = spec.indexOf('=');
    return i < 0 ? spec in labels : labels[spec.slice(0, i)] === spec.slice(i + 1);
  };
  return negate ? !specs.some(hit) : specs.every(hit);
}

/** GET /networks. */
export function listFilter(filters: Filters): (n: NetworkRecord) => boolean {
  checkKeys(filters, LIST_KEYS);
  for (const t of filters.type ?? []) if (t !== 'custom' && t !== 'builtin') throw new SystemError(`invalid filter: 'type'='${t}'`);
  let dangling: boolean | undefined;
  for (const v of filters.dangling ?? []) {
    if (['true', '1'].includes(v.toLowerCase())) dangling = true;
    else if (['false', '0'].includes(v.toLowerCase())) dangling = false;
    else throw new InvalidParameter('invalid value for filter \'dangling\', must be "true" (or "1"), or "false" (or "0")');
  }
  return (n) => (!filters.name?.length || filters.name.some((v) => n.Name.includes(v)))
    && (!filters.id?.length || filters.id.some((v) => n.Id.includes(v)))
    && (!filters.driver?.length || filters.driver.includes(n.Driver))
    && (!filters.scope?.length || filters.scope.includes('local'))
    && (!filters.type?.length || filters.type.includes(isPredefined(n) ? 'builtin' : 'custom'))
    && labelsMatch(n.Labels, filters.label, false)
    // dockerd 20.10 filters the list's own entries, whose Containers are never filled in (the list leaves them
    // out since API 1.28): dangling=true is every user-defined network, in use or not, and dangling=false only
    // the predefined ones. Matched as is; `network prune` is what looks at endpoints.
    && (dangling === undefined || dangling !== isPredefined(n));
}

/** POST /networks/prune (the candidates are already the unused user-defined networks). */
export function pruneFilter(filters: Filters, now = Date.now()): (n: NetworkRecord) => boolean {
  checkKeys(filters, PRUNE_KEYS);
  const until = filters.until?.length ? Math.min(...filters.until.map((u) => parseUntil(u, now))) : undefined;
  return (n) => (until === undefined || Date.parse(n.Created) < until)
    && labelsMatch(n.Labels, filters.label, false)
    && labelsMatch(n.Labels, filters['label!'], true);
}

/** until=: unix seconds, an RFC 3339 date, or a Go duration back from now ("10m", "1h30m"). */
function parseUntil(s: string, now: number): number {
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  if (!Number.isNaN(t)) return t;
  try { return now - parseGoDuration(s) / 1e6; } catch { /* fall through to dockerd's message */ }
  throw new SystemError(`failed to parse value as time or duration: "${s}"`);
}

// GET /containers/json: Docker's ordering (newest first), -a/-n/-l, and its filters
// (id, name, label, status, exited, ancestor, before, since, health, volume, network, is-task).
import { InvalidParameter } from '../errors.js';
import type { ContainerRecord } from './types.js';

export type Filters = Record<string, string[]>;

const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];
const KNOWN = ['id', 'name', 'label', 'status', 'exited', 'ancestor', 'before', 'since', 'health', 'volume', 'network', 'publish', 'expose', 'isolation', 'is-task'];

export interface ListOptions {
  all?: boolean;
  limit?: number;
  filters?: Filters;
  /** Resolves a container reference for before=/since= (throws NotFound). */
  resolve: (ref: string) => ContainerRecord;
  /** True when the container's image matches an ancestor= value (name, ID, or a parent). */
  isAncestor: (rec: ContainerRecord, ancestor: string) => boolean;
  /** The networks the container has joined, by name -> network ID (for network=; "" until it joined). */
  networksOf?: (rec: ContainerRecord) => Record<string, string>;
}

/** network=: a joined network's name, or a prefix of its ID (dockerd shows IDs only once joined). */
function matchNetwork(nets: Record<string, string>, value: string): boolean {
  return Object.entries(nets).some(([name, id]) => id !== '' && (name === value || id.startsWith(value)));
}

function matchLabel(labels: Record<string, string>, spec: string): boolean {
  const i = spec.indexOf('=');
  if (i < 0) return spec in labels;
  return labels[spec.slice(0, i)] === spec.slice(i + 1);
}

export function listContainers(all: ContainerRecord[], opts: ListOptions): ContainerRecord[] {
  const f = opts.filters ?? {};
  // dockerd 20.10's texts: filters.invalidFilter ("Invalid filter 'k'", "Invalid filter 'k=[v]'"), and the
  // strconv error for a non-numeric exited= value.
  for (const key of Object.keys(f)) if (!KNOWN.includes(key)) throw new InvalidParameter(`Invalid filter '${key}'`);
  for (const s of f.status ?? []) {
    if (!STATUSES.includes(s)) throw new InvalidParameter(`Invalid filter 'status=${s}'`);
  }
  const isTask = f['is-task'];
  if (isTask?.length && !(isTask.length === 1 && ['true', 'false', '1', '0'].includes(isTask[0]!))) {
    throw new InvalidParameter(`Invalid filter 'is-task=[${[...new Set(isTask)].sort().join(' ')}]'`);
  }
  for (const h of f.health ?? []) if (!['starting', 'healthy', 'unhealthy', 'none'].includes(h)) throw new InvalidParameter(`Unrecognised filter value for health: ${h}`);
  for (const e of f.exited ?? []) if (!/^[-+]?\d+$/.test(e)) throw new InvalidParameter(`strconv.Atoi: parsing ${JSON.stringify(e)}: invalid syntax`);
  let list = [...all].sort((a, b) => (a.Created < b.Created ? 1 : a.Created > b.Created ? -1 : 0));
  const before = f.before?.length ? opts.resolve(f.before[0]!) : undefined;
  const since = f.since?.length ? opts.resolve(f.since[0]!) : undefined;
  // Docker: -a is implied by filters on status/exited, by -n/-l, and by before/since.
  const showAll = opts.all || (opts.limit !== undefined && opts.limit > 0) || !!f.status?.length || !!f.exited?.length || !!before || !!since;
  if (before) list = list.filter((r) => r.Created < before.Created);
  if (since) list = list.filter((r) => r.Created > since.Created);
  list = list.filter((r) => {
    const st = r.State.Status;
    if (!showAll && st !== 'running' && st !== 'paused' && st !== 'restarting') return false;
    if (f.id?.length && !f.id.some((v) => r.Id.startsWith(v))) return false;
    if (f.name?.length && !f.name.some((v) => new RegExp(v.replace(/^\//, '')).test(r.Name.slice(1)))) return false;
    if (f.label?.length && !f.label.every((v) => matchLabel(r.Config.Labels ?? {}, v))) return false;
    if (f.status?.length && !f.status.includes(st)) return false;
    if (f.exited?.length && !(st === 'exited' && f.exited.some((v) => Number(v) === r.State.ExitCode))) return false;
    if (f.ancestor?.length && !f.ancestor.some((a) => opts.isAncestor(r, a))) return false;
    if (f.health?.length && !f.health.includes(r.State.Health?.Status ?? 'none')) return false;
    if (f.network?.length && opts.networksOf && !f.network.some((v) => matchNetwork(opts.networksOf!(r), v))) return false;
    return true;
  });
  if (opts.limit !== undefined && opts.limit > 0) list = list.slice(0, opts.limit);
  return list;
}

// GET /containers/{id}/stats: dockerd 20.10's StatsJSON read straight from the container's cgroup (v1
// controllers, as on this hybrid host, or the v2 unified tree) and its network namespace.
//
// Lifecycle of a request: one-shot -> one sample at once (precpu empty); stream=false -> two samples a
// second apart, the second sent with the first as precpu (dockerd primes the CPU figures that way);
// stream -> a sample every second until the client goes away. A container that is not running answers
// one empty StatsJSON (stream=false) or zero samples each second (stream).
import { existsSync } from 'node:fs';
import { readFile, readlink } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { ContainerRecord } from './types.js';

const ZERO = '0001-01-01T00:00:00Z';
const CLOCK_TICKS = 100; // USER_HZ: cpuacct.stat and /proc/stat count in 1/100 s
const isV2 = existsSync('/sys/fs/cgroup/cgroup.controllers');

type Json = Record<string, unknown>;
interface CpuStats { cpu_usage: Json; system_cpu_usage?: number; online_cpus?: number; throttling_data: Json }

const read = (p: string): Promise<string> => readFile(p, 'utf8').catch(() => '');
const num = (s: string): number => { const n = Number(s.trim()); return Number.isFinite(n) ? n : 0; };
function kv(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) { const [k, v] = line.trim().split(/\s+/); if (k && v !== undefined) out[k] = num(v); }
  return out;
}

/** The container's cgroup directory for a controller (v1) or the unified tree (v2). */
export function cgroupDir(rec: ContainerRecord, controller: string): string {
  const parent = ((rec.HostConfig.CgroupParent as string) || '/wharf').replace(/\/+$/, '');
  return isV2 ? join('/sys/fs/cgroup', parent, rec.Id) : join('/sys/fs/cgroup', controller, parent, rec.Id);
}

/** /proc/stat's cpu line (user..softirq) in nanoseconds, as dockerd's getSystemCPUUsage. */
async function systemCpuUsage(): Promise<number> {
  const line = (await read('/proc/stat')).split('\n').find((l) => l.startsWith('cpu '));
  const ticks = (line ?? '').split(/\s+/).slice(1, 8).reduce((a, b) => a + num(b), 0);
  return (ticks * 1e9) / CLOCK_TICKS;
}

async function cpuStats(rec: ContainerRecord): Promise<CpuStats> {
  if (isV2) {
    const s = kv(await read(join(cgroupDir(rec, ''), 'cpu.stat')));
    return {
      cpu_usage: { total_usage: (s.usage_usec ?? 0) * 1000, usage_in_kernelmode: (s.system_usec ?? 0) * 1000, usage_in_usermode: (s.user_usec ?? 0) * 1000 },
      system_cpu_usage: await systemCpuUsage(), online_cpus: cpus().length,
      throttling_data: { periods: s.nr_periods ?? 0, throttled_periods: s.nr_throttled ?? 0, throttled_time: (s.throttled_usec ?? 0) * 1000 },
    };
  }
  const acct = cgroupDir(rec, 'cpuacct');
  const st = kv(await read(join(acct, 'cpuacct.stat')));
  const throttle = kv(await read(join(cgroupDir(rec, 'cpu'), 'cpu.stat')));
  return {
    cpu_usage: {
      total_usage: num(await read(join(acct, 'cpuacct.usage'))),
      percpu_usage: (await read(join(acct, 'cpuacct.usage_percpu'))).trim().split(/\s+/).filter(Boolean).map(num),
      usage_in_kernelmode: ((st.system ?? 0) * 1e9) / CLOCK_TICKS,
      usage_in_usermode: ((st.user ?? 0) * 1e9) / CLOCK_TICKS,
    },
    system_cpu_usage: await systemCpuUsage(), online_cpus: cpus().length,
    throttling_data: { periods: throttle.nr_periods ?? 0, throttled_periods: throttle.nr_throttled ?? 0, throttled_time: throttle.throttled_time ?? 0 },
  };
}

/** The memory.stat keys dockerd 20.10 passes on for cgroup v1 (containerd's MemoryStat), each also as total_*. */
const V1_MEMORY_KEYS = new Set(['cache', 'rss', 'rss_huge', 'mapped_file', 'dirty', 'writeback', 'pgpgin', 'pgpgout', 'pgfault', 'pgmajfault',
  'inactive_anon', 'active_anon', 'inactive_file', 'active_file', 'unevictable', 'hierarchical_memory_limit', 'hierarchical_memsw_limit']);

/** dockerd reports a limit above the machine's memory (or none) as the machine's memory. */
const clampLimit = (limit: number): number => (limit > 0 && limit < totalmem() ? limit : totalmem());

async function memoryStats(rec: ContainerRecord): Promise<Json> {
  if (isV2) {
    const dir = cgroupDir(rec, '');
    const max = (await read(join(dir, 'memory.max'))).trim();
    return { usage: num(await read(join(dir, 'memory.current'))), stats: kv(await read(join(dir, 'memory.stat'))), limit: clampLimit(max === 'max' ? 0 : num(max)) };
  }
  const dir = cgroupDir(rec, 'memory');
  const stats = kv(await read(join(dir, 'memory.stat')));
  const sorted = Object.fromEntries(Object.keys(stats).filter((k) => V1_MEMORY_KEYS.has(k.replace(/^total_/, ''))).sort().map((k) => [k, stats[k]]));
  return {
    usage: num(await read(join(dir, 'memory.usage_in_bytes'))),
    max_usage: num(await read(join(dir, 'memory.max_usage_in_bytes'))),
    stats: sorted,
    ...(num(await read(join(dir, 'memory.failcnt'))) ? { failcnt: num(await read(join(dir, 'memory.failcnt'))) } : {}),
    limit: clampLimit(num(await read(join(dir, 'memory.limit_in_bytes')))),
  };
}

/** blkio entries {major, minor, op, value}; v1 ops are "Read", "Write", ... and v2's "read", "write". */
async function blkioStats(rec: ContainerRecord): Promise<Json> {
  const empty = { io_service_bytes_recursive: [] as Json[], io_serviced_recursive: [] as Json[], io_queue_recursive: [], io_service_time_recursive: [], io_wait_time_recursive: [], io_merged_recursive: [], io_time_recursive: [], sectors_recursive: [] };
  if (isV2) {
    for (const line of (await read(join(cgroupDir(rec, ''), 'io.stat'))).split('\n')) {
      const [dev, ...fields] = line.trim().split(/\s+/);
      if (!dev) continue;
      const [major, minor] = dev.split(':').map(Number);
      const f = Object.fromEntries(fields.map((x) => x.split('=')).map(([k, v]) => [k, num(v ?? '0')]));
      empty.io_service_bytes_recursive.push({ major, minor, op: 'read', value: f.rbytes ?? 0 }, { major, minor, op: 'write', value: f.wbytes ?? 0 });
      empty.io_serviced_recursive.push({ major, minor, op: 'read', value: f.rios ?? 0 }, { major, minor, op: 'write', value: f.wios ?? 0 });
    }
    return empty;
  }
  const dir = cgroupDir(rec, 'blkio');
  const entries = async (name: string): Promise<Json[]> => {
    let text = await read(join(dir, `blkio.${name}`));
    if (!text.trim() || /^Total \d+\s*$/.test(text.trim())) text = await read(join(dir, `blkio.throttle.${name.replace('_recursive', '')}`));
    return text.split('\n').map((l) => l.trim().split(/\s+/)).filter((p) => p.length === 3 && p[0]!.includes(':'))
      .map(([dev, op, value]) => { const [major, minor] = dev!.split(':').map(Number); return { major, minor, op, value: num(value!) }; });
  };
  empty.io_service_bytes_recursive = await entries('io_service_bytes_recursive');
  empty.io_serviced_recursive = await entries('io_serviced_recursive');
  return empty;
}

async function pidsStats(rec: ContainerRecord): Promise<Json> {
  const dir = cgroupDir(rec, 'pids');
  const max = (await read(join(dir, 'pids.max'))).trim();
  return { current: num(await read(join(dir, 'pids.current'))), ...(max && max !== 'max' ? { limit: num(max) } : {}) };
}

let hostNetNs: string | undefined;
/** Interfaces of the container's own network namespace (none when it shares the host's), lo excluded. */
async function networkStats(pid: number): Promise<Json | undefined> {
  // "host" containers share the daemon's namespace: dockerd reports no networks for them.
  hostNetNs ??= await readlink('/proc/self/ns/net').catch(() => '');
  const ns = await readlink(`/proc/${pid}/ns/net`).catch(() => '');
  if (!ns || ns === hostNetNs) return undefined;
  const out: Json = {};
  for (const line of (await read(`/proc/${pid}/net/dev`)).split('\n').slice(2)) {
    const [name, rest] = line.split(':');
    if (!rest || name!.trim() === 'lo') continue;
    const f = rest.trim().split(/\s+/).map(num);
    out[name!.trim()] = { rx_bytes: f[0], rx_packets: f[1], rx_errors: f[2], rx_dropped: f[3], tx_bytes: f[8], tx_packets: f[9], tx_errors: f[10], tx_dropped: f[11] };
  }
  return Object.keys(out).length ? out : undefined;
}

function nowText(): string {
  const ms = Date.now();
  const frac = String((ms % 1000) * 1_000_000 + Number(process.hrtime.bigint() % 1_000_000n)).padStart(9, '0').replace(/0+$/, '');
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, frac ? `.${frac}Z` : 'Z');
}

const EMPTY_CPU: CpuStats = { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } };

/** The StatsJSON dockerd sends for a container that is not running. */
export function emptyStats(rec: ContainerRecord): Json {
  const nulls = { io_service_bytes_recursive: null, io_serviced_recursive: null, io_queue_recursive: null, io_service_time_recursive: null, io_wait_time_recursive: null, io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null };
  return { read: ZERO, preread: ZERO, pids_stats: {}, blkio_stats: nulls, num_procs: 0, storage_stats: {}, cpu_stats: EMPTY_CPU, precpu_stats: EMPTY_CPU, memory_stats: {}, name: rec.Name, id: rec.Id };
}

/** One sample, with `pre` as precpu_stats/preread. Field order as dockerd's StatsJSON. */
export async function sample(rec: ContainerRecord, pre: { cpu: CpuStats; read: string }): Promise<Json & { cpu_stats: CpuStats; read: string }> {
  const readAt = nowText();
  const [pids, blkio, cpu, memory, networks] = await Promise.all([pidsStats(rec), blkioStats(rec), cpuStats(rec), memoryStats(rec), networkStats(rec.State.Pid)]);
  return {
    read: readAt, preread: pre.read, pids_stats: pids, blkio_stats: blkio, num_procs: 0, storage_stats: {},
    cpu_stats: cpu, precpu_stats: pre.cpu, memory_stats: memory, name: rec.Name, id: rec.Id, ...(networks ? { networks } : {}),
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

/** The stats responses for one request (see the lifecycle at the top). `current` re-reads the record. */
export async function* statsStream(current: () => ContainerRecord | undefined, opts: { stream: boolean; oneShot?: boolean }, signal?: AbortSignal): AsyncGenerator<Json> {
  let pre = { cpu: EMPTY_CPU, read: ZERO };
  let primed = false;
  while (!signal?.aborted) {
    const rec = current();
    if (!rec) return;
    const running = rec.State.Status === 'running' || rec.State.Status === 'paused';
    if (!running) {
      yield emptyStats(rec);
      if (!opts.stream) return;
    } else {
      const s = await sample(rec, pre);
      pre = { cpu: s.cpu_stats, read: s.read };
      if (opts.oneShot || opts.stream || primed) {
        yield s;
        if (!opts.stream) return;
      }
      primed = true;
    }
    await sleep(1000, signal);
  }
}

/** For tests: which cgroup version the stats come from. */
export const cgroupVersion = (): 1 | 2 => (isV2 ? 2 : 1);

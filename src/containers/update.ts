// docker update: resource limits and the restart policy of an existing container, after dockerd's
// daemon/update.go. A running container's cgroup changes at once (runc update); the record keeps the
// new values for its next start.
import { InvalidParameter } from '../errors.js';
import type { ContainerManager } from './manager.js';
import type { ContainerRecord } from './types.js';

const RESOURCE_KEYS = ['CpuShares', 'Memory', 'NanoCpus', 'CpuPeriod', 'CpuQuota', 'CpusetCpus', 'CpusetMems', 'MemoryReservation', 'MemorySwap', 'BlkioWeight', 'KernelMemory', 'PidsLimit', 'CpuRealtimePeriod', 'CpuRealtimeRuntime'] as const;

export interface UpdateRuntime { update(id: string, resources: Record<string, unknown>): Promise<void> }

/** Applies body (the API's UpdateConfig) to the record; runs `runc update` when the container runs. */
export async function updateContainer(m: ContainerManager, runtime: UpdateRuntime, ref: string, body: Record<string, unknown>): Promise<{ Warnings: null }> {
  const rec = m.store.get(ref);
  const fail = (msg: string): never => { throw new InvalidParameter(`Cannot update container ${rec.Id}: ${msg}`); };
  const hc = rec.HostConfig as Record<string, unknown> & ContainerRecord['HostConfig'];
  const next = { ...hc };
  const num = (k: string) => (typeof body[k] === 'number' ? (body[k] as number) : 0);
  if (num('Memory') !== 0) {
    if (num('Memory') < 6 * 1024 * 1024) fail('Minimum memory limit allowed is 6MB');
    // dockerd: a new memory limit above the current memory+swap limit needs a new swap limit too.
    if (num('Memory') > hc.MemorySwap && num('MemorySwap') === 0) fail('Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
  }
  if (num('NanoCpus') !== 0 && (num('CpuQuota') !== 0 || hc.CpuQuota)) fail('Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set');
  for (const k of RESOURCE_KEYS) {
    const v = body[k];
    if (v === undefined || v === null || v === 0 || v === '') continue;
    (next as Record<string, unknown>)[k] = v;
  }
  const policy = body.RestartPolicy as { Name?: string; MaximumRetryCount?: number } | undefined;
  if (policy?.Name) {
    if (hc.AutoRemove) fail('Restart policy cannot be updated because AutoRemove is enabled for the container');
    if (!['no', 'always', 'unless-stopped', 'on-failure'].includes(policy.Name)) fail(`invalid restart policy '${policy.Name}'`);
    m.setRestartPolicy(rec, { Name: policy.Name, MaximumRetryCount: policy.MaximumRetryCount ?? 0 });
    next.RestartPolicy = rec.HostConfig.RestartPolicy;
  }
  if (rec.State.Status === 'running' || rec.State.Status === 'paused') {
    await runtime.update(rec.Id, ociResources(next, body));
  }
  Object.assign(rec.HostConfig, next);
  await m.store.save(rec);
  m.emit(rec, 'update');
  return { Warnings: null };
}

/** The OCI resources runc update takes for the changed values (only what the user set). */
export function ociResources(hc: ContainerRecord['HostConfig'], body: Record<string, unknown>): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  const set = (k: string) => typeof body[k] === 'number' && body[k] !== 0;
  const memory: Record<string, number> = {};
  if (set('Memory')) memory.limit = hc.Memory;
  if (set('MemorySwap') || set('Memory')) { if (hc.MemorySwap) memory.swap = hc.MemorySwap; }
  if (set('MemoryReservation')) memory.reservation = hc.MemoryReservation as number;
  if (Object.keys(memory).length) r.memory = memory;
  const cpu: Record<string, number | string> = {};
  if (set('CpuShares')) cpu.shares = hc.CpuShares;
  if (set('NanoCpus')) { cpu.period = 100_000; cpu.quota = Math.round((hc.NanoCpus * 100_000) / 1e9); }
  if (set('CpuQuota')) cpu.quota = hc.CpuQuota;
  if (set('CpuPeriod')) cpu.period = hc.CpuPeriod;
  if (typeof body.CpusetCpus === 'string' && body.CpusetCpus) cpu.cpus = body.CpusetCpus;
  if (typeof body.CpusetMems === 'string' && body.CpusetMems) cpu.mems = body.CpusetMems;
  if (Object.keys(cpu).length) r.cpu = cpu;
  // -1 (or 0 sent as -1 by the CLI) means unlimited; runc takes 0 as "no change", so unlimited is max.
  if (typeof body.PidsLimit === 'number' && body.PidsLimit !== 0) r.pids = { limit: body.PidsLimit > 0 ? body.PidsLimit : -1 };
  if (set('BlkioWeight')) r.blockIO = { weight: body.BlkioWeight };
  return r;
}

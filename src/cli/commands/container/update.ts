// docker update: change resource limits and the restart policy of one or more containers.
import type { Command, Ctx } from '../../command.js';
import { StatusError } from '../../command.js';
import type { FlagSpec, FlagValues } from '../../flags.js';
import { ramInBytes } from '../../../units/index.js';
import { forEach } from './each.js';
import { parseNanoCpus, parseRestart } from './create-options.js';

const bytes = (v: string): number => ramInBytes(v);

const FLAGS: FlagSpec[] = [
  { name: 'blkio-weight', type: 'int', usage: 'Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)' },
  { name: 'cpu-period', type: 'int', usage: 'Limit CPU CFS (Completely Fair Scheduler) period' },
  { name: 'cpu-quota', type: 'int', usage: 'Limit CPU CFS (Completely Fair Scheduler) quota' },
  { name: 'cpu-rt-period', type: 'int', usage: 'Limit the CPU real-time period in microseconds' },
  { name: 'cpu-rt-runtime', type: 'int', usage: 'Limit the CPU real-time runtime in microseconds' },
  { name: 'cpu-shares', short: 'c', type: 'int', usage: 'CPU shares (relative weight)' },
  { name: 'cpus', type: 'string', varName: 'decimal', usage: 'Number of CPUs', parse: parseNanoCpus },
  { name: 'cpuset-cpus', type: 'string', usage: 'CPUs in which to allow execution (0-3, 0,1)' },
  { name: 'cpuset-mems', type: 'string', usage: 'MEMs in which to allow execution (0-3, 0,1)' },
  { name: 'kernel-memory', type: 'string', varName: 'bytes', usage: 'Kernel memory limit', parse: bytes },
  { name: 'memory', short: 'm', type: 'string', varName: 'bytes', usage: 'Memory limit', parse: bytes },
  { name: 'memory-reservation', type: 'string', varName: 'bytes', usage: 'Memory soft limit', parse: bytes },
  { name: 'memory-swap', type: 'string', varName: 'bytes', usage: "Swap limit equal to memory plus swap: '-1' to enable unlimited swap", parse: (v) => (v === '-1' ? -1 : bytes(v)) },
  { name: 'pids-limit', type: 'int', usage: 'Tune container pids limit (set -1 for unlimited)' },
  { name: 'restart', type: 'string', usage: 'Restart policy to apply when a container exits' },
];

async function run(ctx: Ctx, f: FlagValues, args: string[]): Promise<number> {
  const given = FLAGS.some((fl) => f[fl.name] !== undefined);
  if (!given) throw new StatusError('you must provide one or more flags when using this command', 1);
  const n = (k: string): number => (f[k] as number | undefined) ?? 0;
  const body: Record<string, unknown> = {
    BlkioWeight: n('blkio-weight'), CpuShares: n('cpu-shares'), Memory: n('memory'), NanoCpus: n('cpus'),
    CpuPeriod: n('cpu-period'), CpuQuota: n('cpu-quota'), CpuRealtimePeriod: n('cpu-rt-period'), CpuRealtimeRuntime: n('cpu-rt-runtime'),
    CpusetCpus: (f['cpuset-cpus'] as string | undefined) ?? '', CpusetMems: (f['cpuset-mems'] as string | undefined) ?? '',
    KernelMemory: n('kernel-memory'), MemoryReservation: n('memory-reservation'), MemorySwap: n('memory-swap'),
  };
  // docker/cli sends PidsLimit only when the flag was given (0 there means unlimited, as -1).
  if (f['pids-limit'] !== undefined) body.PidsLimit = n('pids-limit') === 0 ? -1 : n('pids-limit');
  if (f.restart !== undefined) {
    try { body.RestartPolicy = parseRestart(f.restart as string); } catch (err) { throw new StatusError((err as Error).message, 1); }
  }
  const client = await ctx.client();
  return forEach(ctx, args, async (name) => { await client.containerUpdate(name, body); });
}

const command: Command = {
  spec: { use: 'CONTAINER [CONTAINER...]', short: 'Update configuration of one or more containers', flags: FLAGS, args: { kind: 'min', n: 1 } },
  run,
};
export default command;

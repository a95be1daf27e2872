// docker stats: CPU, memory, network and block I/O and pids per container, from GET /containers/{id}/stats,
// computed and printed the way docker/cli 20.10 does (cli/command/container/stats*.go, formatter/stats.go).
import { StatusError, type Command, type Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { bytesSize, GO_TYPE, humanSizeWithPrecision } from '../../format/index.js';
import { writeTable } from '../../table-output.js';
import { StatsCollector } from './stats-collector.js';

const DEFAULT_FORMAT = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';
const HEADERS: Record<string, string> = {
  Container: 'CONTAINER', ID: 'CONTAINER ID', Name: 'NAME', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT', MemPerc: 'MEM %',
  NetIO: 'NET I/O', BlockIO: 'BLOCK I/O', PIDs: 'PIDS',
};

interface Stats {
  name?: string; id?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  blkio_stats?: { io_service_bytes_recursive?: Array<{ op: string; value: number }> | null };
  pids_stats?: { current?: number };
  networks?: Record<string, { rx_bytes: number; tx_bytes: number }>;
}

interface Entry { container: string; name: string; id: string; cpu: number; mem: number; memLimit: number; memPerc: number; rx: number; tx: number; blkR: number; blkW: number; pids: number; invalid: boolean }

/** The figures docker/cli derives from one StatsJSON (cgroup v1 and v2 alike). */
export function entryOf(container: string, v: Stats): Entry {
  const cpuDelta = (v.cpu_stats?.cpu_usage?.total_usage ?? 0) - (v.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const sysDelta = (v.cpu_stats?.system_cpu_usage ?? 0) - (v.precpu_stats?.system_cpu_usage ?? 0);
  const online = v.cpu_stats?.online_cpus || v.cpu_stats?.cpu_usage?.percpu_usage?.length || 0;
  const cpu = sysDelta > 0 && cpuDelta > 0 ? (cpuDelta / sysDelta) * online * 100 : 0;
  const m = v.memory_stats ?? {};
  const usage = m.usage ?? 0;
  const inactive = m.stats?.total_inactive_file ?? m.stats?.inactive_file;
  const mem = inactive !== undefined && inactive < usage ? usage - inactive : usage;
  const memLimit = m.limit ?? 0;
  let blkR = 0; let blkW = 0;
  for (const e of v.blkio_stats?.io_service_bytes_recursive ?? []) {
    if (e.op.toLowerCase() === 'read') blkR += e.value;
    else if (e.op.toLowerCase() === 'write') blkW += e.value;
  }
  let rx = 0; let tx = 0;
  for (const n of Object.values(v.networks ?? {})) { rx += n.rx_bytes; tx += n.tx_bytes; }
  return { container, name: v.name ?? '', id: v.id ?? '', cpu, mem, memLimit, memPerc: memLimit ? (mem / memLimit) * 100 : 0, rx, tx, blkR, blkW, pids: v.pids_stats?.current ?? 0, invalid: false };
}

/** formatter/stats.go's statsContext, as a plain object so `{{json .}}` prints the same keys. */
export function row(e: Entry, trunc: boolean): Record<string, string> {
  const dash = (s: string) => (e.invalid ? '--' : s);
  return {
    // A Go struct to templates: an unknown field is an execution error naming docker's type.
    [GO_TYPE]: '*container.statsContext',
    BlockIO: dash(`${humanSizeWithPrecision(e.blkR, 3)} / ${humanSizeWithPrecision(e.blkW, 3)}`),
    CPUPerc: dash(`${e.cpu.toFixed(2)}%`),
    Container: e.container,
    ID: trunc ? e.id.slice(0, 12) : e.id,
    MemPerc: dash(`${e.memPerc.toFixed(2)}%`),
    MemUsage: e.invalid ? '-- / --' : `${bytesSize(e.mem)} / ${bytesSize(e.memLimit)}`,
    Name: e.name.length > 1 ? e.name.slice(1) : '--',
    NetIO: dash(`${humanSizeWithPrecision(e.rx, 3)} / ${humanSizeWithPrecision(e.tx, 3)}`),
    PIDs: dash(String(e.pids)),
  };
}

const blank = (key: string): Entry => entryOf(key, {});
const invalid = (e: Entry, reset: boolean): Entry => (reset ? { ...blank(e.container), name: e.name, id: e.id, invalid: true } : { ...e, invalid: true });

async function run(ctx: Ctx, f: FlagValues, args: string[]): Promise<number> {
  const client = await ctx.client();
  const stream = f['no-stream'] !== true;
  const trunc = f['no-trunc'] !== true;
  const format = (f.format as string | undefined) || DEFAULT_FORMAT;
  const showAll = args.length === 0;
  const stats = new StatsCollector<Stats, Entry>(client, { stream, blank, entry: entryOf, invalid });
  let ended: ((err?: unknown) => void) | undefined;
  const end = new Promise<unknown>((resolve) => { ended = resolve; });
  try {
    if (showAll) {
      await stats.follow(f.all === true, (err) => ended!(err));
    } else {
      for (const name of args) stats.add(name);
    }
    // docker/cli waits for every container's first sample (or its error) before the first table.
    await stats.firstSamples();
    if (!showAll) {
      const errors = [...stats.slots.values()].flatMap((s) => (s.error ? [s.error] : []));
      if (errors.length) throw new StatusError(errors.join('\n'), 1);
    }
    const print = () => writeTable(ctx, format, [...stats.slots.values()].map((s) => row(s.entry, trunc)), HEADERS);
    if (!stream) { print(); return 0; }
    return await new Promise<number>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (err?: unknown) => { clearInterval(timer); off(); if (err) reject(err); else resolve(0); };
      const off = ctx.onSignal('SIGINT', () => finish());
      void end.then((err) => finish(err));
      const tick = () => {
        ctx.io.out('\u001b[2J\u001b[H');
        print();
        if (stats.slots.size === 0 && !showAll) finish();
      };
      timer = setInterval(tick, 500);
      tick();
    });
  } finally {
    stats.close();
  }
}

const command: Command = {
  spec: {
    use: 'CONTAINER [CONTAINER...]',
    short: 'Display a live stream of container(s) resource usage statistics',
    flags: [
      { name: 'all', short: 'a', type: 'bool', usage: 'Show all containers (default shows just running)' },
      { name: 'format', type: 'string', usage: 'Pretty-print images using a Go template' },
      { name: 'no-stream', type: 'bool', usage: 'Disable streaming stats and only pull the first result' },
      { name: 'no-trunc', type: 'bool', usage: "Do not truncate output" },
    ],
    args: { kind: 'min', n: 0 },
  },
  run,
};
export default command;

// The compose verbs: each parses its own flags and works through ProjectOps (src/compose).
import { stringify as yamlStringify } from 'yaml';
import { copyContainerStream, type ContainerSummary } from '../../../client/index.js';
import {
  ComposeError, LABEL, containerDisplayName, logPrefix,
} from '../../../compose/index.js';
import type { FlagSpec, FlagValues } from '../../flags.js';
import { writeTable } from '../../table-output.js';
import { ContainerContext } from '../container/container-context.js';
import { builder } from './builder.js';
import type { ComposeCtx } from './compose.js';
import { cp, create, images, port, top } from './service-verbs.js';
import { run } from './run-verb.js';
import type { Verb } from './verb.js';

export type { Verb } from './verb.js';

const TIMEOUT: FlagSpec = { name: 'timeout', short: 't', type: 'int', usage: 'Specify a shutdown timeout in seconds' };

function timeout(flags: FlagValues): number | undefined {
  return flags.timeout as number | undefined;
}

// ---------------------------------------------------------------------------------------------- logs

interface LogSink { line(prefix: string, text: string): void }

function prefixer(cc: ComposeCtx, width: number, noPrefix: boolean): LogSink {
  return {
    line(prefix, text) {
      cc.ctx.io.out(noPrefix ? `${text}\n` : `${prefix.padEnd(width)}  | ${text}\n`);
    },
  };
}

/** Streams one container's log line by line through the sink. */
async function streamLogs(cc: ComposeCtx, c: ContainerSummary, prefix: string, sink: LogSink, query: Record<string, string | boolean | undefined>): Promise<void> {
  const client = await cc.ctx.client();
  const res = await client.containerLogs(c.Id, { stdout: true, stderr: true, ...query });
  const info = await client.containerInspect(c.Id);
  await pumpLines(res, info.Config.Tty === true, prefix, sink);
}

/** Splits a container's (multiplexed unless tty) output into lines for the sink. */
async function pumpLines(src: import('node:stream').Readable, tty: boolean, prefix: string, sink: LogSink, head?: Buffer): Promise<void> {
  const partial = { out: '', err: '' };
  const feed = (which: 'out' | 'err') => (b: Buffer): void => {
    partial[which] += b.toString('utf8');
    const lines = partial[which].split('\n');
    partial[which] = lines.pop()!;
    for (const l of lines) sink.line(prefix, l.replace(/\r$/, ''));
  };
  await copyContainerStream(src, tty, { stdout: feed('out'), stderr: feed('err') }, head);
  for (const rest of [partial.out, partial.err]) if (rest) sink.line(prefix, rest);
}

async function followAll(cc: ComposeCtx, containers: ContainerSummary[], flags: { tail?: string; timestamps?: boolean; since?: string; noPrefix?: boolean; follow: boolean }): Promise<void> {
  const project = cc.project();
  const prefixes = containers.map((c) => logPrefix(project, c));
  const width = Math.max(0, ...prefixes.map((p) => p.length));
  const sink = prefixer(cc, width, flags.noPrefix === true);
  await Promise.all(containers.map(async (c, i) => {
    await streamLogs(cc, c, prefixes[i]!, sink, { follow: flags.follow || undefined, tail: flags.tail ?? 'all', timestamps: flags.timestamps || undefined, since: flags.since });
  }));
}

// ---------------------------------------------------------------------------------------------- verbs

const up: Verb = {
  use: '[OPTIONS] [SERVICE...]',
  short: 'Create and start containers',
  flags: [
    { name: 'abort-on-container-exit', type: 'bool', usage: 'Stops all containers if any container was stopped. Incompatible with -d' },
    { name: 'build', type: 'bool', usage: 'Build images before starting containers.' },
    { name: 'detach', short: 'd', type: 'bool', usage: 'Detached mode: Run containers in the background' },
    { name: 'exit-code-from', type: 'string', usage: 'Return the exit code of the selected service container. Implies --abort-on-container-exit' },
    { name: 'force-recreate', type: 'bool', usage: "Recreate containers even if their configuration and image haven't changed." },
    { name: 'no-build', type: 'bool', usage: "Don't build an image, even if it's missing." },
    { name: 'no-color', type: 'bool', usage: 'Produce monochrome output.' },
    { name: 'no-deps', type: 'bool', usage: "Don't start linked services." },
    { name: 'no-log-prefix', type: 'bool', usage: "Don't print prefix in logs." },
    { name: 'no-recreate', type: 'bool', usage: "If containers already exist, don't recreate them. Incompatible with --force-recreate." },
    { name: 'no-start', type: 'bool', usage: "Don't start the services after creating them." },
    { name: 'pull', type: 'string', usage: 'Pull image before running ("always"|"missing"|"never")', defaultText: 'policy' },
    { name: 'quiet-pull', type: 'bool', usage: 'Pull without printing progress information.' },
    { name: 'remove-orphans', type: 'bool', usage: 'Remove containers for services not defined in the Compose file.' },
    { name: 'timestamps', type: 'bool', usage: 'Show timestamps.' },
    { name: 'wait', type: 'bool', usage: 'Wait for services to be running|healthy. Implies detached mode.' },
    TIMEOUT,
  ],
  async run(cc, flags, args) {
    const detach = flags.detach === true || flags.wait === true;
    const exitFrom = flags['exit-code-from'] as string | undefined;
    const abort = flags['abort-on-container-exit'] === true || exitFrom !== undefined;
    if (detach && abort) throw new ComposeError('--abort-on-container-exit and --detach are incompatible');
    if (flags['force-recreate'] === true && flags['no-recreate'] === true) throw new ComposeError('--force-recreate and --no-recreate are incompatible');
    const ops = await cc.ops();
    const attached = !detach && flags['no-start'] !== true;
    let containers: ContainerSummary[];
    try {
      containers = await ops.up({
        services: args,
        build: flags.build === true,
        noBuild: flags['no-build'] === true,
        forceRecreate: flags['force-recreate'] === true,
        noRecreate: flags['no-recreate'] === true,
        // Attached, compose connects to every container before starting any, so no output is missed.
        noStart: flags['no-start'] === true || attached,
        removeOrphans: flags['remove-orphans'] === true,
        timeout: timeout(flags),
        pull: (flags.pull as string | undefined) || undefined,
      }, builder(cc));
    } catch (err) {
      ops.progress.finish();
      throw err;
    }
    if (!attached) { ops.progress.finish(); return 0; }

    const project = cc.project();
    const client = await cc.ctx.client();
    const prefixes = containers.map((c) => logPrefix(project, c));
    const width = Math.max(0, ...prefixes.map((p) => p.length));
    const sink = prefixer(cc, width, flags['no-log-prefix'] === true);
    const streams = await Promise.all(containers.map(async (c) => {
      const info = await client.containerInspect(c.Id);
      const conn = await client.containerAttach(c.Id, { stdout: true, stderr: true });
      return { c, tty: info.Config.Tty === true, conn };
    }));
    ops.progress.finish();
    cc.ctx.io.out(`Attaching to ${prefixes.join(', ')}\n`);
    // Attached, compose starts the containers without progress lines: their output speaks for them.
    await ops.startInOrder(ops.selectedServices(args), undefined, true);
    let exitCode = 0;
    let stopping: Promise<void> | undefined;
    const stopAll = (): Promise<void> => (stopping ??= (async () => {
      const p = cc.progress('Stopping');
      for (const c of containers) {
        const st = await client.containerInspect(c.Id).catch(() => undefined);
        if (st?.State?.Running !== true) continue;
        p.event({ kind: 'Container', name: containerDisplayName(c), status: 'Stopping', done: false });
        await client.containerStop(c.Id, timeout(flags)).catch(() => undefined);
        p.event({ kind: 'Container', name: containerDisplayName(c), status: 'Stopped', done: true });
      }
      p.finish();
    })());
    let interrupted = false;
    const off = cc.ctx.onSignal('SIGINT', () => {
      if (interrupted) process.exit(130);
      interrupted = true;
      cc.ctx.io.err('Gracefully stopping... (press Ctrl+C again to force)\n');
      void stopAll();
    });
    try {
      await Promise.all(streams.map(async ({ c, tty, conn }, i) => {
        await pumpLines(conn.socket, tty, prefixes[i]!, sink, conn.head);
        const { StatusCode } = await (await client.containerWait(c.Id, 'not-running')).result;
        cc.ctx.io.out(`${prefixes[i]} exited with code ${StatusCode}\n`);
        const svc = c.Labels?.[LABEL.service];
        if (exitFrom ? svc === exitFrom : abort && !stopping) exitCode = StatusCode;
        if (abort && !stopping) {
          cc.ctx.io.out('Aborting on container exit...\n');
          await stopAll();
        }
      }));
      if (stopping) await stopping;
    } finally {
      off();
    }
    return interrupted ? 130 : exitCode;
  },
};

const down: Verb = {
  use: '[OPTIONS] [SERVICES]',
  short: 'Stop and remove containers, networks',
  flags: [
    { name: 'remove-orphans', type: 'bool', usage: 'Remove containers for services not defined in the Compose file.' },
    { name: 'rmi', type: 'string', usage: 'Remove images used by services. "local" remove only images that don\'t have a custom tag ("local"|"all")' },
    TIMEOUT,
    { name: 'volumes', short: 'v', type: 'bool', usage: 'Remove named volumes declared in the "volumes" section of the Compose file and anonymous volumes attached to containers.' },
  ],
  async run(cc, flags) {
    const rmi = flags.rmi as string | undefined;
    if (rmi !== undefined && rmi !== 'local' && rmi !== 'all') throw new ComposeError(`invalid value for --rmi: ${rmi}`);
    const ops = await cc.ops();
    try {
      await ops.down({ volumes: flags.volumes === true, removeOrphans: flags['remove-orphans'] === true, rmi: rmi as 'local' | 'all' | undefined, timeout: timeout(flags) });
    } finally {
      ops.progress.finish();
    }
  },
};

const PS_HEADERS: Record<string, string> = {
  Name: 'NAME', Image: 'IMAGE', Command: 'COMMAND', Service: 'SERVICE', RunningFor: 'CREATED', Status: 'STATUS', Ports: 'PORTS',
  ID: 'CONTAINER ID', Names: 'NAMES', State: 'STATE', CreatedAt: 'CREATED AT', Project: 'PROJECT', Health: 'HEALTH', ExitCode: 'EXIT CODE',
};

class ComposeContainer extends ContainerContext {
  constructor(private readonly summary: ContainerSummary, trunc: boolean, now: number) { super(summary, trunc, now); }
  get Name(): string { return containerDisplayName(this.summary); }
  get Service(): string { return this.summary.Labels?.[LABEL.service] ?? ''; }
  get Project(): string { return this.summary.Labels?.[LABEL.project] ?? ''; }
  get Health(): string {
    const m = /\((healthy|unhealthy|health: starting)\)/.exec(this.summary.Status);
    return m ? m[1]!.replace('health: ', '') : '';
  }
  get ExitCode(): number {
    const m = /^Exited \((\d+)\)/.exec(this.summary.Status);
    return m ? Number(m[1]) : 0;
  }
}

const ps: Verb = {
  use: '[OPTIONS] [SERVICE...]',
  short: 'List containers',
  flags: [
    { name: 'all', short: 'a', type: 'bool', usage: 'Show all stopped containers (including those created by the run command)' },
    { name: 'filter', type: 'string', usage: 'Filter services by a property (supported filters: status).' },
    { name: 'format', type: 'string', usage: 'Format output using a custom template:\n\'table\':            Print output in table format with column headers (default)\n\'table TEMPLATE\':   Print output in table format using the given Go template\n\'json\':             Print in JSON format\n\'TEMPLATE\':         Print output using the given Go template.', defaultText: 'table' },
    { name: 'no-trunc', type: 'bool', usage: "Don't truncate output" },
    { name: 'quiet', short: 'q', type: 'bool', usage: 'Only display IDs' },
    { name: 'services', type: 'bool', usage: 'Display services' },
    { name: 'status', type: 'list', usage: 'Filter services by status. Values: [paused | restarting | removing | running | dead | created | exited]', varName: 'stringArray' },
  ],
  async run(cc, flags, args) {
    const project = cc.project();
    for (const a of args) if (!project.services[a] && !project.disabled[a]) throw new ComposeError(`no such service: ${a}`);
    const ops = await cc.ops();
    let list = await ops.containers({ services: args, oneoff: flags.all === true });
    const statuses = [...((flags.status as string[] | undefined) ?? [])];
    const filter = flags.filter as string | undefined;
    if (filter) {
      const [k, v] = filter.split('=');
      if (k !== 'status' || !v) throw new ComposeError(`no filter named: ${filter}`);
      statuses.push(v);
    }
    if (statuses.length) list = list.filter((c) => statuses.includes(c.State));
    else if (flags.all !== true) list = list.filter((c) => c.State === 'running' || c.State === 'restarting' || c.State === 'paused');
    if (flags.services === true) {
      const names = [...new Set(list.map((c) => c.Labels?.[LABEL.service] ?? ''))];
      cc.ctx.io.out(names.map((n) => `${n}\n`).join(''));
      return;
    }
    if (flags.quiet === true) { cc.ctx.io.out(list.map((c) => `${c.Id}\n`).join('')); return; }
    const now = Date.now();
    const rows = list.map((c) => new ComposeContainer(c, flags['no-trunc'] !== true, now));
    const format = (flags.format as string | undefined) ?? 'table';
    if (format === 'json') {
      cc.ctx.io.out(rows.map((r) => `${JSON.stringify(psJson(r))}\n`).join(''));
      return;
    }
    const tmpl = format === 'table' ? 'table {{.Name}}\t{{.Image}}\t{{.Command}}\t{{.Service}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}' : format;
    writeTable(cc.ctx, tmpl, rows, PS_HEADERS);
  },
};

function psJson(r: ComposeContainer): Record<string, unknown> {
  return {
    Command: r.Command, CreatedAt: r.CreatedAt, ExitCode: r.ExitCode, Health: r.Health, ID: r.ID, Image: r.Image,
    Labels: r.Labels, LocalVolumes: r.LocalVolumes, Mounts: r.Mounts, Name: r.Name, Names: r.Names, Networks: r.Networks,
    Ports: r.Ports, Project: r.Project, RunningFor: r.RunningFor, Service: r.Service, Size: r.Size, State: r.State, Status: r.Status,
  };
}

const logs: Verb = {
  use: '[OPTIONS] [SERVICE...]',
  short: 'View output from containers',
  flags: [
    { name: 'follow', short: 'f', type: 'bool', usage: 'Follow log output.' },
    { name: 'no-color', type: 'bool', usage: 'Produce monochrome output.' },
    { name: 'no-log-prefix', type: 'bool', usage: "Don't print prefix in logs." },
    { name: 'since', type: 'string', usage: 'Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)' },
    { name: 'tail', short: 'n', type: 'string', usage: 'Number of lines to show from the end of the logs for each container.', defaultText: 'all' },
    { name: 'timestamps', short: 't', type: 'bool', usage: 'Show timestamps.' },
    { name: 'until', type: 'string', usage: 'Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)' },
  ],
  async run(cc, flags, args) {
    const project = cc.project();
    for (const a of args) if (!project.services[a] && !project.disabled[a]) throw new ComposeError(`no such service: ${a}`);
    const ops = await cc.ops();
    const list = await ops.containers({ services: args });
    await followAll(cc, list, {
      follow: flags.follow === true,
      tail: flags.tail as string | undefined,
      timestamps: flags.timestamps === true,
      since: flags.since as string | undefined,
      noPrefix: flags['no-log-prefix'] === true,
    });
  },
};

function simple(short: string, act: (ops: Awaited<ReturnType<ComposeCtx['ops']>>, flags: FlagValues, args: string[]) => Promise<void>, flags: FlagSpec[] = []): Verb {
  return {
    use: '[SERVICE...]',
    short,
    flags,
    async run(cc, f, args) {
      const project = cc.project();
      for (const a of args) if (!project.services[a] && !project.disabled[a]) throw new ComposeError(`no such service: ${a}`);
      const ops = await cc.ops();
      try { await act(ops, f, args); } finally { ops.progress.finish(); }
    },
  };
}

const rm: Verb = {
  use: '[OPTIONS] [SERVICE...]',
  short: 'Removes stopped service containers',
  flags: [
    { name: 'force', short: 'f', type: 'bool', usage: "Don't ask to confirm removal" },
    { name: 'stop', short: 's', type: 'bool', usage: 'Stop the containers, if required, before removing' },
    { name: 'volumes', short: 'v', type: 'bool', usage: 'Remove any anonymous volumes attached to containers' },
  ],
  async run(cc, flags, args) {
    const ops = await cc.ops();
    const list = await ops.removable(args, flags.stop === true);
    if (!list.length) { cc.ctx.io.err('No stopped containers\n'); return 0; }
    if (flags.force !== true) {
      cc.ctx.io.err(`Going to remove ${list.map(containerDisplayName).join(', ')}\n? Are you sure? (y/N) `);
      const answer = (await cc.ctx.readLine()).trim().toLowerCase();
      if (answer !== 'y' && answer !== 'yes') return 0;
    }
    try { await ops.rm(list, flags.stop === true, flags.volumes === true); } finally { ops.progress.finish(); }
    return 0;
  },
};

const exec: Verb = {
  use: '[OPTIONS] SERVICE COMMAND [ARGS...]',
  short: 'Execute a command in a running container.',
  interspersed: false,
  flags: [
    { name: 'detach', short: 'd', type: 'bool', usage: 'Detached mode: Run command in the background.' },
    { name: 'env', short: 'e', type: 'list', usage: 'Set environment variables', varName: 'stringArray' },
    { name: 'index', type: 'int', usage: 'index of the container if service has multiple replicas', defaultText: '1' },
    { name: 'no-TTY', short: 'T', type: 'bool', usage: 'Disable pseudo-TTY allocation. By default `docker compose exec` allocates a TTY.' },
    { name: 'privileged', type: 'bool', usage: 'Give extended privileges to the process.' },
    { name: 'user', short: 'u', type: 'string', usage: 'Run the command as this user.' },
    { name: 'workdir', short: 'w', type: 'string', usage: 'Path to workdir directory for this command.' },
  ],
  async run(cc, flags, args) {
    if (args.length < 2) throw new ComposeError('requires at least 2 arg(s), only received ' + args.length);
    const [service, ...cmd] = args as [string, ...string[]];
    const project = cc.project();
    if (!project.services[service]) throw new ComposeError(`no such service: ${service}`);
    const ops = await cc.ops();
    const index = (flags.index as number | undefined) ?? 1;
    const c = (await ops.containers({ services: [service] })).find((x) => Number(x.Labels?.[LABEL.number]) === index && x.State === 'running');
    if (!c) throw new ComposeError(`service "${service}" is not running`);
    const execCmd = (await import('../container/exec.js')).default;
    const tty = flags['no-TTY'] !== true && cc.ctx.io.stdinIsTTY;
    return execCmd.run(cc.ctx, {
      detach: flags.detach, env: flags.env, interactive: flags.detach !== true, tty, user: flags.user, workdir: flags.workdir, privileged: flags.privileged,
    }, [c.Id, ...cmd]);
  },
};

const config: Verb = {
  use: '[OPTIONS] [SERVICE...]',
  short: 'Parse, resolve and render compose file in canonical format',
  flags: [
    { name: 'format', type: 'string', usage: 'Format the output. Values: [yaml | json]', defaultText: 'yaml' },
    { name: 'images', type: 'bool', usage: 'Print the image names, one per line.' },
    { name: 'profiles', type: 'bool', usage: 'Print the profile names, one per line.' },
    { name: 'quiet', short: 'q', type: 'bool', usage: 'Only validate the configuration, don\'t print anything.' },
    { name: 'services', type: 'bool', usage: 'Print the service names, one per line.' },
    { name: 'volumes', type: 'bool', usage: 'Print the volume names, one per line.' },
  ],
  async run(cc, flags) {
    const p = cc.project();
    const out = (lines: string[]): void => cc.ctx.io.out(lines.map((l) => `${l}\n`).join(''));
    if (flags.quiet === true) return;
    if (flags.services === true) return out(Object.keys(p.services));
    if (flags.volumes === true) return out(Object.keys(p.volumes));
    if (flags.images === true) return out(Object.values(p.services).map((s) => s.image!));
    if (flags.profiles === true) return out([...new Set(Object.values({ ...p.services, ...p.disabled }).flatMap((s) => s.profiles))].sort());
    const doc = canonical(p);
    cc.ctx.io.out(flags.format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : yamlStringify(doc, { lineWidth: 0 }));
  },
};

/** The resolved model in compose's canonical field names (empty fields left out). */
function canonical(p: ReturnType<ComposeCtx['project']>): Record<string, unknown> {
  const clean = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.length ? v.map(clean) : undefined;
    if (v && typeof v === 'object') {
      const o = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clean(x)]).filter(([, x]) => x !== undefined));
      return Object.keys(o).length ? o : undefined;
    }
    return v === false ? undefined : v;
  };
  const services = Object.fromEntries(Object.entries(p.services).sort().map(([k, s]) => {
    const { name: _n, scale, ...rest } = s;
    return [k, clean({ ...rest, scale: scale === 1 ? undefined : scale, networks: s.networks ? Object.fromEntries(Object.entries(s.networks).map(([n, c]) => [n, c ?? null])) : undefined })];
  }));
  const doc: Record<string, unknown> = { name: p.name, services };
  if (Object.keys(p.networks).length) doc.networks = Object.fromEntries(Object.entries(p.networks).map(([k, n]) => [k, clean(n)]));
  if (Object.keys(p.volumes).length) doc.volumes = Object.fromEntries(Object.entries(p.volumes).map(([k, v]) => [k, clean(v)]));
  return doc;
}

const pull: Verb = {
  use: '[OPTIONS] [SERVICE...]',
  short: 'Pull service images',
  flags: [
    { name: 'ignore-pull-failures', type: 'bool', usage: 'Pull what it can and ignores images with pull failures' },
    { name: 'quiet', short: 'q', type: 'bool', usage: 'Pull without printing progress information' },
  ],
  async run(cc, flags, args) {
    const p = cc.project();
    const b = builder(cc);
    for (const s of Object.values(p.services)) {
      if (args.length && !args.includes(s.name)) continue;
      if (s.build && !s.image?.includes('/')) continue;
      try { await b.pull(s); } catch (err) { if (flags['ignore-pull-failures'] !== true) throw err; }
    }
  },
};

const build: Verb = {
  use: '[OPTIONS] [SERVICE...]',
  short: 'Build or rebuild services',
  flags: [
    { name: 'no-cache', type: 'bool', usage: 'Do not use cache when building the image' },
    { name: 'pull', type: 'bool', usage: 'Always attempt to pull a newer version of the image' },
    { name: 'quiet', short: 'q', type: 'bool', usage: "Don't print anything to STDOUT" },
  ],
  async run(cc, flags, args) {
    const p = cc.project();
    const b = builder(cc);
    for (const s of Object.values(p.services)) {
      if (!s.build || (args.length && !args.includes(s.name))) continue;
      if (flags['no-cache'] === true) s.build.no_cache = true;
      if (flags.pull === true) s.build.pull = true;
      await b.build(s);
    }
  },
};

const ls: Verb = {
  use: '[OPTIONS]',
  short: 'List running compose projects',
  flags: [
    { name: 'all', short: 'a', type: 'bool', usage: 'Show all stopped Compose projects' },
    { name: 'format', type: 'string', usage: 'Format the output. Values: [table | json]', defaultText: 'table' },
    { name: 'quiet', short: 'q', type: 'bool', usage: 'Only display IDs' },
  ],
  async run(cc, flags) {
    const client = await cc.ctx.client();
    const list = await client.containerList({ all: true, filters: { label: [LABEL.project] } });
    const projects = new Map<string, { states: Map<string, number>; files: string }>();
    for (const c of list) {
      const name = c.Labels?.[LABEL.project] ?? '';
      const p = projects.get(name) ?? { states: new Map(), files: c.Labels?.[LABEL.configFiles] ?? '' };
      p.states.set(c.State, (p.states.get(c.State) ?? 0) + 1);
      projects.set(name, p);
    }
    const rows = [...projects.entries()].sort(([a], [b]) => a.localeCompare(b))
      .filter(([, p]) => flags.all === true || p.states.has('running'))
      .map(([name, p]) => ({ Name: name, Status: [...p.states.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([s, n]) => `${s}(${n})`).join(', '), ConfigFiles: p.files }));
    if (flags.quiet === true) { cc.ctx.io.out(rows.map((r) => `${r.Name}\n`).join('')); return; }
    if (flags.format === 'json') { cc.ctx.io.out(`${JSON.stringify(rows)}\n`); return; }
    writeTable(cc.ctx, 'table {{.Name}}\t{{.Status}}\t{{.ConfigFiles}}', rows, { Name: 'NAME', Status: 'STATUS', ConfigFiles: 'CONFIG FILES' });
  },
};

const version: Verb = {
  use: '[OPTIONS]',
  short: 'Show the Docker Compose version information',
  flags: [
    { name: 'format', short: 'f', type: 'string', usage: 'Format the output. Values: [pretty | json]. (Default: pretty)' },
    { name: 'short', type: 'bool', usage: 'Shows only Compose\'s version number.' },
  ],
  async run(cc, flags) {
    const { COMPOSE_VERSION } = await import('../../../compose/index.js');
    if (flags.short === true) cc.ctx.io.out(`${COMPOSE_VERSION}\n`);
    else if (flags.format === 'json') cc.ctx.io.out(`{"version":"v${COMPOSE_VERSION}"}\n`);
    else cc.ctx.io.out(`Docker Compose version v${COMPOSE_VERSION}\n`);
  },
};

export const VERBS: Record<string, Verb> = {
  build,
  config,
  cp,
  create,
  down,
  exec,
  images,
  kill: simple('Force stop service containers.', (ops, f, a) => ops.kill(a, f.signal as string | undefined), [
    { name: 'remove-orphans', type: 'bool', usage: 'Remove containers for services not defined in the Compose file.' },
    { name: 'signal', short: 's', type: 'string', usage: 'SIGNAL to send to the container.', defaultText: '"SIGKILL"' },
  ]),
  logs,
  ls,
  pause: simple('Pause services', (ops, _f, a) => ops.pause(a, false)),
  port,
  ps,
  pull,
  restart: simple('Restart service containers', (ops, f, a) => ops.restart(a, timeout(f)), [TIMEOUT]),
  rm,
  run,
  start: simple('Start services', (ops, _f, a) => ops.start(a)),
  stop: simple('Stop services', (ops, f, a) => ops.stop(a, timeout(f)), [TIMEOUT]),
  top,
  unpause: simple('Unpause services', (ops, _f, a) => ops.pause(a, true)),
  up,
  version,
};

// compose v2.20's create, top, port and images: what they print and the errors they stop with.
import type { ContainerSummary } from '../../../client/index.js';
import { ComposeError, LABEL, containerDisplayName } from '../../../compose/index.js';
import { TabWriter, humanSizeWithPrecision } from '../../format/index.js';
import type { FlagValues } from '../../flags.js';
import { builder } from './builder.js';
import type { ComposeCtx } from './compose.js';
import type { Verb } from './verb.js';

function checkServices(cc: ComposeCtx, services: string[]): void {
  const p = cc.project();
  for (const a of services) if (!p.services[a] && !p.disabled[a]) throw new ComposeError(`no such service: ${a}`);
}

export const create: Verb = {
  use: '[OPTIONS] [SERVICE...]',
  short: 'Creates containers for a service.',
  flags: [
    { name: 'build', type: 'bool', usage: 'Build images before starting containers.' },
    { name: 'force-recreate', type: 'bool', usage: "Recreate containers even if their configuration and image haven't changed." },
    { name: 'no-build', type: 'bool', usage: "Don't build an image, even if it's missing." },
    { name: 'no-recreate', type: 'bool', usage: "If containers already exist, don't recreate them. Incompatible with --force-recreate." },
    { name: 'pull', type: 'string', usage: 'Pull image before running ("always"|"missing"|"never")', defaultText: '"missing"' },
    { name: 'remove-orphans', type: 'bool', usage: 'Remove containers for services not defined in the Compose file.' },
    { name: 'scale', type: 'list', usage: 'Scale SERVICE to NUM instances. Overrides the `scale` setting in the Compose file if present.', varName: 'stringArray' },
  ],
  async run(cc, flags, args) {
    if (flags.build === true && flags['no-build'] === true) throw new ComposeError('--build and --no-build are incompatible');
    if (flags['force-recreate'] === true && flags['no-recreate'] === true) throw new ComposeError('--force-recreate and --no-recreate are incompatible');
    const project = cc.project();
    for (const sc of (flags.scale as string[] | undefined) ?? []) {
      const parts = sc.split('=');
      if (parts.length !== 2) throw new ComposeError(`invalid --scale option "${sc}". Should be SERVICE=NUM`);
      const n = Number(parts[1]);
      if (!/^[+-]?\d+$/.test(parts[1]!)) throw new ComposeError(`strconv.Atoi: parsing "${parts[1]}": invalid syntax`);
      const svc = project.services[parts[0]!];
      if (!svc) throw new ComposeError(`no such service: ${parts[0]}`);
      svc.scale = n;
    }
    const ops = await cc.ops();
    try {
      await ops.up({
        services: args,
        build: flags.build === true,
        noBuild: flags['no-build'] === true,
        forceRecreate: flags['force-recreate'] === true,
        noRecreate: flags['no-recreate'] === true,
        noStart: true,
        removeOrphans: flags['remove-orphans'] === true,
        pull: (flags.pull as string | undefined) || undefined,
      }, builder(cc));
    } finally {
      ops.progress.finish();
    }
  },
};

/** Running containers of the project, one-offs included, as compose's top and port see them. */
async function running(cc: ComposeCtx, services: string[]): Promise<ContainerSummary[]> {
  const ops = await cc.ops();
  return (await ops.containers({ services, oneoff: true })).filter((c) => c.State === 'running' || c.State === 'paused' || c.State === 'restarting');
}

export const top: Verb = {
  use: '[SERVICES...]',
  short: 'Display the running processes',
  flags: [],
  async run(cc, _flags, args) {
    checkServices(cc, args);
    const client = await cc.ctx.client();
    const list = await running(cc, args);
    const tops = await Promise.all(list.map((c) => client.containerTop(c.Id)));
    const rows = list.map((c, i) => ({ name: containerDisplayName(c), top: tops[i]! })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const { name, top: t } of rows) {
      // compose's psPrinter: tabwriter(5, 1, 3), every process cell tab-terminated, a blank line after each table.
      const tw = new TabWriter({ minwidth: 5, tabwidth: 1, padding: 3, padchar: ' ' });
      tw.write(`${t.Titles.join('\t')}\n`);
      for (const p of t.Processes ?? []) tw.write(`${p.map((x) => `${x}\t`).join('')}\n`);
      tw.write('\n');
      cc.ctx.io.out(`${name}\n${tw.flush()}`);
    }
  },
};

export const port: Verb = {
  use: '[OPTIONS] SERVICE PRIVATE_PORT',
  short: 'Print the public port for a port binding.',
  flags: [
    { name: 'index', type: 'int', usage: 'index of the container if service has multiple replicas' },
    { name: 'protocol', type: 'string', usage: 'tcp or udp', defaultText: '"tcp"' },
  ],
  async run(cc, flags, args) {
    if (args.length < 2) throw new ComposeError(`requires at least 2 arg(s), only received ${args.length}`);
    const [service, raw] = args as [string, string];
    if (!/^\d+$/.test(raw) || Number(raw) > 65535) {
      throw new ComposeError(`strconv.ParseUint: parsing ${JSON.stringify(raw)}: ${/^\d+$/.test(raw) ? 'value out of range' : 'invalid syntax'}`);
    }
    const privatePort = Number(raw);
    const protocol = ((flags.protocol as string | undefined) ?? 'tcp').toLowerCase();
    const index = (flags.index as number | undefined) ?? 0;
    let list = (await running(cc, [service])).filter((c) => c.State === 'running');
    if (index > 0) list = list.filter((c) => Number(c.Labels?.[LABEL.number]) === index);
    if (!list.length) throw new ComposeError(index > 0 ? `service "${service}" is not running container #${index}` : `service "${service}" is not running`);
    const c = list.sort((a, b) => Number(a.Labels?.[LABEL.number] ?? 0) - Number(b.Labels?.[LABEL.number] ?? 0))[0]!;
    const hit = c.Ports.find((p) => p.PrivatePort === privatePort && p.Type === protocol);
    if (!hit) {
      const have = c.Ports.map((p) => `${p.PublicPort ?? 0}/${p.Type}`).join(', ');
      throw new ComposeError(`no port ${privatePort}/${protocol} for container ${containerDisplayName(c)}: ${have}`);
    }
    cc.ctx.io.out(`${hit.IP ?? ''}:${hit.PublicPort ?? 0}\n`);
  },
};

interface ImageRow { ID: string; ContainerName: string; Repository: string; Tag: string; Size: number }

function repoTag(ref: string | undefined): [string, string] {
  if (!ref) return ['', ''];
  const noDigest = ref.split('@')[0]!;
  const colon = noDigest.lastIndexOf(':');
  const [repo, tag] = colon > noDigest.lastIndexOf('/') ? [noDigest.slice(0, colon), noDigest.slice(colon + 1)] : [noDigest, ''];
  return [repo.replace(/^docker\.io\/(library\/)?/, ''), tag];
}

export const images: Verb = {
  use: '[OPTIONS] [SERVICE...]',
  short: 'List images used by the created containers',
  flags: [
    { name: 'format', type: 'string', usage: 'Format the output. Values: [table | json].', defaultText: '"table"' },
    { name: 'quiet', short: 'q', type: 'bool', usage: 'Only display IDs' },
  ],
  async run(cc, flags: FlagValues, args) {
    checkServices(cc, args);
    const client = await cc.ctx.client();
    const ops = await cc.ops();
    const list = await ops.containers({ services: args, oneoff: true });
    const ids = [...new Set(list.map((c) => c.ImageID))];
    const found = new Map<string, Omit<ImageRow, 'ContainerName'>>();
    await Promise.all(ids.map(async (id) => {
      const img = await client.imageInspect(id).catch(() => undefined);
      if (!img) return;
      const [repo, tag] = repoTag((img.RepoTags as string[] | undefined)?.[0]);
      found.set(id, { ID: img.Id as string, Repository: repo, Tag: tag, Size: Number(img.Size ?? 0) });
    }));
    const rows: ImageRow[] = list.map((c) => {
      const img = found.get(c.ImageID);
      if (!img) throw new ComposeError(`failed to retrieve image for container ${containerDisplayName(c)}`);
      return { ID: img.ID, ContainerName: containerDisplayName(c), Repository: img.Repository, Tag: img.Tag, Size: img.Size };
    });
    if (flags.quiet === true) {
      cc.ctx.io.out([...new Set(rows.map((r) => r.ID.replace(/^[^:]*:/, '')))].map((id) => `${id}\n`).join(''));
      return;
    }
    rows.sort((a, b) => (a.ContainerName < b.ContainerName ? -1 : a.ContainerName > b.ContainerName ? 1 : 0));
    const format = ((flags.format as string | undefined) ?? 'table').toLowerCase();
    if (format === 'json') { cc.ctx.io.out(`${JSON.stringify(rows)}\n`); return; }
    if (format !== 'table' && format !== 'pretty' && format !== '') throw new ComposeError(`format value "${flags.format as string}" could not be parsed: parsing failed`);
    const tw = new TabWriter({ minwidth: 20, tabwidth: 1, padding: 3, padchar: ' ' });
    tw.write('CONTAINER\tREPOSITORY\tTAG\tIMAGE ID\tSIZE\n');
    for (const r of rows) {
      const id = r.ID.replace(/^[^:]*:/, '').slice(0, 12);
      tw.write(`${r.ContainerName}\t${r.Repository || '<none>'}\t${r.Tag || '<none>'}\t${id}\t${humanSizeWithPrecision(r.Size, 3)}\n`);
    }
    cc.ctx.io.out(tw.flush());
  },
};

/** compose's splitCpArg: an absolute or ./-relative path is local, else SERVICE:PATH when there is a colon. */
function splitCpArg(arg: string): [string | undefined, string] {
  if (arg.startsWith('/') || arg.startsWith('.')) return [undefined, arg];
  const i = arg.indexOf(':');
  return i < 0 ? [undefined, arg] : [arg.slice(0, i), arg.slice(i + 1)];
}

export const cp: Verb = {
  use: '[OPTIONS] SERVICE:SRC_PATH DEST_PATH|-\n\tdocker compose cp [OPTIONS] SRC_PATH|- SERVICE:DEST_PATH',
  short: 'Copy files/folders between a service container and the local filesystem',
  flags: [
    { name: 'all', type: 'bool', usage: 'copy to all the containers of the service.', hidden: true },
    { name: 'archive', short: 'a', type: 'bool', usage: 'Archive mode (copy all uid/gid information)' },
    { name: 'follow-link', short: 'L', type: 'bool', usage: 'Always follow symbol link in SRC_PATH' },
    { name: 'index', type: 'int', usage: 'index of the container if service has multiple replicas' },
  ],
  async run(cc, flags, args) {
    if (args.length !== 2) throw new ComposeError(`"docker compose cp" requires exactly 2 arguments.`);
    if (args[0] === '') throw new ComposeError('source can not be empty');
    if (args[1] === '') throw new ComposeError('destination can not be empty');
    const [srcSvc, srcPath] = splitCpArg(args[0]!);
    const [dstSvc, dstPath] = splitCpArg(args[1]!);
    if (srcSvc !== undefined && flags.all === true) throw new ComposeError('cannot use the --all flag when copying from a service');
    if (srcSvc !== undefined && dstSvc !== undefined) throw new ComposeError('copying between services is not supported');
    const service = srcSvc ?? dstSvc;
    if (service === undefined) throw new ComposeError('unknown copy direction');
    const ops = await cc.ops();
    const index = (flags.index as number | undefined) ?? 0;
    let list = await ops.containers({ services: [service] });
    if (index > 0) {
      list = list.filter((c) => Number(c.Labels?.[LABEL.number]) === index);
      if (!list.length) throw new ComposeError(`service "${service}" is not running container #${index}`);
    } else if (!list.length) {
      throw new ComposeError(`no container found for service "${service}"`);
    }
    // From a service: its first container; to a service: every one of them.
    if (srcSvc !== undefined) list = list.slice(0, 1);
    const cpCmd = (await import('../container/cp.js')).default;
    const progress = cc.progress('Copying');
    try {
      await Promise.all(list.map(async (c) => {
        const name = containerDisplayName(c);
        const text = srcSvc !== undefined ? `copy ${name}:${srcPath} to ${dstPath}` : `copy ${srcPath} to ${name}:${dstPath}`;
        progress.event({ kind: 'Service', name, text, status: 'Copying', done: false });
        const argv = srcSvc !== undefined ? [`${c.Id}:${srcPath}`, dstPath] : [srcPath, `${c.Id}:${dstPath}`];
        await cpCmd.run(cc.ctx, { archive: flags.archive, 'follow-link': flags['follow-link'] }, argv);
        progress.event({ kind: 'Service', name, text, status: 'Copied', done: true });
      }));
    } finally {
      progress.finish();
    }
  },
};

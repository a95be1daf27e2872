// The container half of the API Backend: each method translates the API's options into one
// ContainerManager call and the record into Docker's JSON view.
import type { Readable } from 'node:stream';
import type { ContainerBackend, JsonObject } from '../api/index.js';
import { linkNamesById, listContainers, inspectView, statsStream, summaryView, updateContainer, getArchive, putArchive, statPath, exportRootfs, type ContainerManager, type ContainerRecord } from '../containers/index.js';
import { Conflict, NotFound, NotImplemented, isNotFound, isNotModified } from '../errors.js';
import { checkFilterKeys, filterTimestampMs } from '../units/index.js';
import type { ImageStore } from '../images/index.js';
import type { OciResources, Runtime } from '../runtime/index.js';
import { networkView } from './network-view.js';
import { topContainer } from './top.js';

export interface ContainerDeps { containers: ContainerManager; images: ImageStore; runtime: Runtime }

async function sizes(d: Pick<ContainerDeps, 'containers'>, rec: ContainerRecord): Promise<{ rw: number; rootFs: number }> {
  const snaps = d.containers.deps.snapshots;
  const rw = await snaps.usage(rec.Id).catch(() => 0);
  return { rw, rootFs: rw + snaps.parentSize(rec.Id) };
}

/** docker ps shows the image as the user named it while that name still points at the same image. */
async function imageName(d: Pick<ContainerDeps, 'images'>, rec: ContainerRecord): Promise<string> {
  const ref = rec.Config.Image;
  if (tryGet(d, ref)?.id === rec.Image) return ref;
  return rec.Image.replace(/^sha256:/, '').slice(0, 12) === ref ? ref : rec.Image;
}

function tryGet(d: Pick<ContainerDeps, 'images'>, ref: string): { id: string } | undefined {
  try { return d.images.get(ref); } catch { return undefined; }
}

/** ps's rows (newest first); /system/df reuses them with sizes, as dockerd's df lists containers with Size: true. */
export function containerSummaries(d: Pick<ContainerDeps, 'containers' | 'images'>, list: ContainerRecord[], withSizes: boolean): Promise<Array<Record<string, unknown>>> {
  const links = linkNamesById(d.containers.store);
  return Promise.all(list.map(async (rec) => summaryView(rec, await imageName(d, rec), networkView(rec, d.containers.deps.network), withSizes ? await sizes(d, rec) : undefined, links.get(rec.Id))));
}

export function containerBackend(d: ContainerDeps): Omit<ContainerBackend, 'createExec' | 'startExec' | 'resizeExec' | 'inspectExec'> {
  const m = d.containers;
  // ps's before=/since= name a container in dockerd 20.10's own words: "no such container x".
  const psFilterRef = (ref: string): ContainerRecord => {
    try { return m.store.get(ref); } catch (err) { throw isNotFound(err) ? new NotFound(`no such container ${ref}`, { cause: err }) : err; }
  };
  const isAncestor = (rec: ContainerRecord, ancestor: string): boolean => {
    const img = tryGet(d, ancestor);
    return img ? img.id === rec.Image : rec.Config.Image === ancestor;
  };
  return {
    async listContainers(opts) {
      const networksOf = (rec: ContainerRecord) => Object.fromEntries(Object.entries(networkView(rec, m.deps.network).settings.Networks as Record<string, { NetworkID: string }>).map(([k, v]) => [k, v.NetworkID]));
      const list = listContainers(m.store.all(), { all: opts.all, limit: opts.limit, filters: opts.filters, resolve: psFilterRef, isAncestor, networksOf });
      return containerSummaries(d, list, !!opts.size);
    },
    createContainer(opts, body) {
      if (opts.platform && typeof body.Image === 'string') checkPlatform(d, body.Image, opts.platform);
      return m.create(opts.name, body);
    },
    async inspectContainer(id, opts) {
      const rec = m.store.get(id);
      const paths = { dir: m.store.dir(rec.Id), logPath: m.logPath(rec.Id), graphDriver: m.deps.snapshots.graphDriver(rec.Id) };
      return inspectView(rec, paths, networkView(rec, m.deps.network), opts.size ? await sizes(d, rec) : undefined);
    },
    startContainer(id) { return m.start(id); },
    stopContainer(id, opts) { return m.stop(id, opts.t); },
    restartContainer(id, opts) { return m.restart(id, opts.t); },
    killContainer(id, opts) { return m.kill(id, opts.signal || 'SIGKILL'); },
    async waitContainer(id, condition, ctx) {
      return { result: m.wait(id, condition, ctx.signal) };
    },
    removeContainer(id, opts) { return opts.link ? m.removeLink(id) : m.remove(id, { force: opts.force, volumes: opts.v }); },
    renameContainer(id, name) { return m.rename(id, name); },
    pauseContainer(id) { return m.pause(id); },
    unpauseContainer(id) { return m.unpause(id); },
    async pruneContainers(filters) {
      const deleted: string[] = [];
      let reclaimed = 0;
      checkFilterKeys(filters, ['until', 'label', 'label!']);
      const until = filters.until?.length ? Math.min(...filters.until.map((u) => filterTimestampMs(u))) : undefined;
      const candidates = listContainers(m.store.all(), { all: true, filters: pruneFilters(filters), resolve: (r) => m.store.get(r), isAncestor })
        .filter((r) => r.State.Status === 'exited' || r.State.Status === 'created' || r.State.Status === 'dead')
        .filter((r) => until === undefined || Date.parse(r.Created) < until)
        .filter((r) => !(filters['label!'] ?? []).some((l) => hasLabel(r.Config.Labels ?? {}, l)));
      for (const rec of candidates) {
        const size = await m.deps.snapshots.usage(rec.Id).catch(() => 0);
        try { await m.remove(rec.Id, {}); deleted.push(rec.Id); reclaimed += size; } catch { /* in use meanwhile */ }
      }
      d.containers.deps.events.publish('container', 'prune', '', { reclaimed: String(reclaimed) });
      return { ContainersDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
    },
    async containerLogs(id, opts, ctx) {
      const { tty, entries } = m.logs(id, { ...opts, signal: ctx.signal });
      return { tty, output: withTimestamps(entries, opts.timestamps) };
    },
    async attachContainer(id, opts) {
      const a = await m.attach(id, opts);
      return { tty: a.tty, output: a.output, pipeStdin: (input: Readable) => a.pipeStdin(input), close: () => a.close() };
    },
    topContainer(id, psArgs) { return topContainer(d, id, psArgs); },
    async containerChanges(id) {
      const rec = m.store.get(id);
      const changes = await m.deps.snapshots.changes(rec.Id) as unknown as JsonObject[];
      return changes.length ? changes : null;
    },
    exportContainer(id) { return exportRootfs(m, id); },
    async resizeContainer(id, opts) {
      const rec = m.store.get(id);
      if (rec.State.Status !== 'running' && rec.State.Status !== 'paused') throw new Conflict(`Container ${rec.Id} is not running`);
      await d.runtime.resize(rec.Id, opts.h, opts.w);
      m.emit(rec, 'resize', { height: String(opts.h), width: String(opts.w) });
    },
    getArchive(id, path) { return getArchive(m, id, path); },
    headArchive(id, path) { return statPath(m, id, path); },
    putArchive(id, opts, body) { return putArchive(m, id, opts, body); },
    async containerStats(id, opts, ctx) {
      const rec = m.store.get(id);
      return statsStream(() => m.store.find(rec.Id), opts, ctx.signal) as AsyncIterable<JsonObject>;
    },
    updateContainer(id, body) {
      return updateContainer(m, { update: (cid, r) => d.runtime.update(cid, r as Partial<OciResources>) }, id, body) as unknown as Promise<JsonObject>;
    },
  };
}

const ARCH: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', armhf: 'arm', armel: 'arm' };

/**
 * dockerd 20.10's GetImage with a platform: a local image of another OS or architecture is not found (the
 * client then pulls the platform's image), with its message.
 */
function checkPlatform(d: Pick<ContainerDeps, 'images'>, ref: string, platform: string): void {
  let img;
  try { img = d.images.get(ref); } catch { return; } // missing: create's own 404
  const [os = '', arch = '', variant] = platform.toLowerCase().split('/');
  const have = { os: img.config.os ?? 'linux', arch: img.config.architecture ?? '', variant: (img.config as { variant?: string }).variant };
  const norm = (a: string) => ARCH[a] ?? a;
  const matches = os === have.os && (!arch || norm(arch) === norm(have.arch)) && (!variant || variant === have.variant);
  if (!matches) {
    const fmt = (o: string, a: string, v?: string) => [o, norm(a), v].filter(Boolean).join('/');
    throw new NotFound(`image with reference ${ref} was found but does not match the specified platform: wanted ${fmt(os, arch || have.arch, variant)}, actual: ${fmt(have.os, have.arch, have.variant)}`);
  }
}

/** label!= of prune: `key` or `key=value` present. */
function hasLabel(labels: Record<string, string>, spec: string): boolean {
  const i = spec.indexOf('=');
  return i < 0 ? spec in labels : labels[spec.slice(0, i)] === spec.slice(i + 1);
}

/** Prune accepts until= and label= filters (and label!=); the rest of ps's filters are not allowed. */
function pruneFilters(filters: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (filters.label) out.label = filters.label;
  return out;
}

async function* withTimestamps(entries: AsyncIterable<{ stream: 'stdout' | 'stderr'; time: string; data: Buffer }>, timestamps: boolean): AsyncGenerator<{ stream: 'stdout' | 'stderr'; data: Buffer }> {
  for await (const e of entries) {
    yield { stream: e.stream, data: timestamps ? Buffer.concat([Buffer.from(`${e.time} `), e.data]) : e.data };
  }
}

export { isNotModified };

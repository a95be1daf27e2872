// ImageStore: the images subsystem's public face. Records and references live in image-records.ts; this
// adds import/commit (new configs built like Docker's), save/load, prune and the API views.
import type { Readable, Writable } from 'node:stream';
import { InvalidParameter } from '../errors.js';
import type { GraphDriverInfo } from '../snapshots/index.js';
import { checkFilterKeys, filterTimestampMs } from '../units/index.js';
import { getForSave, loadImages, saveImages } from './archive.js';
import { applyChanges } from './changes.js';
import { goContainerConfig, goJson, nowRfc3339Nano, sortedKeys } from './go-json.js';
import { ImageStoreCore, type ImageStoreOptions } from './image-records.js';
import { historyView, inspectView, summaryView } from './views.js';
import type { ContainerUse, DeleteItem, ImageConfig, ImageRecord } from './types.js';

export interface ImportOptions {
  /** Dockerfile-like changes: `CMD ["sh"]`, `ENV A=b`, ... */
  changes?: string[];
  message?: string;
  /** Where the data came from, for the default message "Imported from <source>" (docker uses "-" for stdin). */
  source?: string;
  repo?: string;
  tag?: string;
  platform?: { os?: string; architecture?: string };
}

export interface CommitOptions {
  /** The container whose snapshot (key) is committed. */
  containerId: string;
  snapshotKey?: string;
  /** The container's config (Config in inspect); becomes the image's `config` after changes. */
  config: Record<string, unknown>;
  parentImageId?: string;
  author?: string;
  comment?: string;
  changes?: string[];
  repo?: string;
  tag?: string;
}

export interface PruneOptions {
  all?: boolean;
  filters?: Record<string, string[]>;
  isUsed?: (imageId: string) => boolean | ContainerUse[];
}

const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };
export const DOCKER_VERSION = '20.10.24';

export class ImageStore extends ImageStoreCore {
  static async open(dataRoot: string, opts: ImageStoreOptions = {}): Promise<ImageStore> {
    const p = await ImageStoreCore.openParts(dataRoot, opts);
    const s = new ImageStore(dataRoot, p.content, p.refs, p.snapshots, p.onEvent);
    await s.loadRecords();
    return s;
  }

  emit(action: string, id: string, attrs: Record<string, string>): void { this.onEvent(action, id, attrs); }

  /** POST /images/create?fromSrc=-: `docker import`. */
  async importImage(input: Readable, opts: ImportOptions = {}): Promise<ImageRecord> {
    const config = applyChanges({}, opts.changes ?? []);
    const layer = await this.ingestLayer(undefined, input);
    const created = nowRfc3339Nano();
    const msg = opts.message || `Imported from ${opts.source ?? '-'}`;
    const img = sortedKeys({
      architecture: opts.platform?.architecture ?? GOARCH[process.arch] ?? process.arch,
      comment: msg,
      config: goContainerConfig(config),
      container_config: goContainerConfig({}),
      created,
      docker_version: DOCKER_VERSION,
      history: [{ created, comment: msg }],
      os: opts.platform?.os ?? 'linux',
      rootfs: { type: 'layers', diff_ids: [layer.diffId] },
    });
    const rec = await this.addImage(Buffer.from(goJson(img)));
    if (opts.repo) await this.tag(rec.id, opts.repo, opts.tag);
    this.emit('import', rec.id, { name: rec.id });
    return rec;
  }

  /** POST /commit: the container's upper dir becomes a new layer over its image (Docker's CommitImage). */
  async commit(opts: CommitOptions): Promise<ImageRecord> {
    const parent = opts.parentImageId ? this.get(opts.parentImageId) : undefined;
    const layer = await this.ingestLayer(parent?.chainId, this.snapshots.diffTar(opts.snapshotKey ?? opts.containerId));
    const created = nowRfc3339Nano();
    const pc: ImageConfig = parent?.config ?? {};
    // dockerd's CommitImage: history names the container's command, and a commit that changed nothing adds no
    // layer (an empty_layer entry instead of the empty tar's diffID).
    const empty = layer.diffId === EMPTY_TAR_DIFF_ID;
    const cmd = opts.config.Cmd;
    const createdBy = Array.isArray(cmd) ? cmd.join(' ') : '';
    const history = [...(pc.history ?? []), sortedHistory({ created, author: opts.author, createdBy, comment: opts.comment, empty })];
    const img = sortedKeys({
      architecture: pc.architecture ?? GOARCH[process.arch] ?? process.arch,
      author: opts.author || undefined,
      comment: opts.comment || undefined,
      config: goContainerConfig(applyChanges(opts.config, opts.changes ?? [])),
      container: opts.containerId,
      container_config: goContainerConfig(opts.config),
      created,
      docker_version: DOCKER_VERSION,
      history,
      os: pc.os ?? 'linux',
      parent: parent?.id,
      rootfs: { type: 'layers', diff_ids: [...(parent?.diffIds ?? []), ...(empty ? [] : [layer.diffId])] },
    });
    const rec = await this.addImage(Buffer.from(goJson(img)), parent ? { parent: parent.id } : {});
    if (opts.repo) await this.tag(rec.id, opts.repo, opts.tag);
    this.emit('commit', rec.id, { name: rec.id });
    return rec;
  }

  save(names: string[], out: Writable): Promise<void> { return saveImages(this, names, out); }

  /** Throws save's NotFound for the first name it cannot save (before any byte of the archive is written). */
  checkSave(names: string[]): void { for (const n of names) getForSave(this, n); }

  load(input: Readable): Promise<{ loaded: string[] }> { return loadImages(this, input); }

  /** POST /images/prune: dangling images (or, with all, every image no container uses). */
  async prune(opts: PruneOptions = {}): Promise<{ ImagesDeleted: DeleteItem[] | null; SpaceReclaimed: number }> {
    const f = opts.filters ?? {};
    checkFilterKeys(f, ['dangling', 'label', 'label!', 'until']);
    const all = opts.all || f.dangling?.includes('false');
    const until = f.until?.[0] ? filterTimestampMs(f.until[0]) : undefined;
    const deleted: DeleteItem[] = [];
    let reclaimed = 0;
    for (const rec of this.list()) {
      if (!all && this.refs.referencesTo(rec.id).length > 0) continue;
      if (usedBy(opts, rec.id)) continue;
      if (until !== undefined && Date.parse(rec.config.created ?? '') >= until) continue;
      if (!matchLabels(rec, f.label ?? [])) continue;
      if (f['label!']?.length && f['label!'].some((l) => matchLabels(rec, [l]))) continue;
      if (this.list().some((i) => i.meta.parent === rec.id)) continue;
      const before = new Map(this.snapshots.listLayers().map((l) => [l.chainId, l.size]));
      const items = await this.remove(rec.id, { force: true, isUsed: opts.isUsed });
      for (const it of items) if (it.Deleted && before.has(it.Deleted)) reclaimed += before.get(it.Deleted)!;
      deleted.push(...items);
    }
    return { ImagesDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
  }

  summary(rec: ImageRecord): Record<string, unknown> {
    return summaryView(rec, { repoTags: this.repoTags(rec.id), repoDigests: this.repoDigests(rec.id) });
  }

  inspect(rec: ImageRecord): Record<string, unknown> {
    return inspectView(rec, { repoTags: this.repoTags(rec.id), repoDigests: this.repoDigests(rec.id) }, this.graphDriver(rec));
  }

  history(refOrId: string): Array<Record<string, unknown>> {
    const rec = this.get(refOrId);
    const sizes = chainSizes(this, rec);
    // The image, then its local parents (a classic build's intermediate images), newest first.
    const chain: Array<{ id: string; tags: string[] }> = [];
    for (let r: ImageRecord | undefined = rec; r; r = r.meta.parent ? this.images.get(r.meta.parent) : undefined) {
      chain.push({ id: r.id, tags: this.repoTags(r.id) });
      if (chain.length > 10_000) break;
    }
    return historyView(rec, chain, sizes);
  }

  graphDriver(rec: ImageRecord): GraphDriverInfo { return this.snapshots.layerGraphDriver(rec.chainId); }

  /** What containers/ needs (ImagePort.lookup). */
  async lookup(ref: string): Promise<{ id: string; config: Record<string, unknown>; chainId: string | undefined; repoTags: string[] }> {
    const rec = this.get(ref);
    return { id: rec.id, config: rec.config.config ?? {}, chainId: rec.chainId, repoTags: this.repoTags(rec.id) };
  }
}

/** image.History in Go's field order, empty fields left out (omitempty). */
function sortedHistory(h: { created: string; author?: string; createdBy?: string; comment?: string; empty?: boolean }): Record<string, unknown> {
  const out: Record<string, unknown> = { created: h.created };
  if (h.author) out.author = h.author;
  if (h.createdBy) out.created_by = h.createdBy;
  if (h.comment) out.comment = h.comment;
  if (h.empty) out.empty_layer = true;
  return out;
}

/** The diffID of an empty layer tar (1024 zero bytes), which dockerd never puts in an image's rootfs. */
const EMPTY_TAR_DIFF_ID = 'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef';

function chainSizes(store: ImageStore, rec: ImageRecord): number[] {
  const sizes: number[] = [];
  for (let c = rec.chainId; c; c = store.snapshots.layer(c)?.parent) sizes.unshift(store.snapshots.layer(c)?.size ?? 0);
  return sizes;
}

function usedBy(opts: PruneOptions, id: string): boolean {
  const u = opts.isUsed?.(id);
  return u === true || (Array.isArray(u) && u.length > 0);
}

function matchLabels(rec: ImageRecord, filters: string[]): boolean {
  const labels = (rec.config.config?.Labels as Record<string, string> | null) ?? {};
  return filters.every((f) => {
    const neg = f.includes('!=');
    const [k, v] = f.split(neg ? '!=' : '=', 2) as [string, string | undefined];
    const hit = v === undefined ? k in labels : labels[k] === v;
    return neg ? !hit : hit;
  });
}


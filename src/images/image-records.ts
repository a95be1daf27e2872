// The image store: records (config blob + imagedb metadata), references, lookup the way Docker's
// GetImage does, tag/untag/delete with Docker's conflict rules, and layer ingestion into the snapshotter.
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { Conflict, NotFound } from '../errors.js';
import { Snapshotter, chainIds, decompress, type LayerInfo, type StagedLayer } from '../snapshots/index.js';
import { layout, readJson, writeJsonAtomic } from '../store/index.js';
import { warn } from '../sys/index.js';
import { ContentStore } from './content-store.js';
import { nowRfc3339Nano } from './go-json.js';
import { familiarString, parseReference, withDefaultTag, type Reference } from './reference.js';
import { ReferenceStore } from './reference-store.js';
import { digestCheck, stageVerified, type StagedIngest } from './verified-ingest.js';
import type { ContainerUse, DeleteItem, EventFn, ImageConfig, ImageMeta, ImageRecord, RemoveOptions } from './types.js';

export const ZERO_TIME = '0001-01-01T00:00:00Z';
const short = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);

export interface ImageStoreOptions {
  onEvent?: EventFn;
  /** Share the daemon's snapshotter; opened on the same data root when absent. */
  snapshotter?: Snapshotter;
}

export class ImageStoreCore {
  protected readonly images = new Map<string, ImageRecord>();

  protected constructor(
    readonly dataRoot: string,
    readonly content: ContentStore,
    readonly refs: ReferenceStore,
    readonly snapshots: Snapshotter,
    protected readonly onEvent: EventFn,
  ) {}

  protected static async openParts(dataRoot: string, opts: ImageStoreOptions) {
    await rm(layout.imageTmpDir(dataRoot), { recursive: true, force: true });
    await mkdir(layout.imageDbDir(dataRoot), { recursive: true, mode: 0o700 });
    await mkdir(layout.imageTmpDir(dataRoot), { recursive: true, mode: 0o700 });
    return {
      content: await ContentStore.open(dataRoot),
      refs: await ReferenceStore.open(dataRoot),
      snapshots: opts.snapshotter ?? await Snapshotter.open(dataRoot),
      onEvent: opts.onEvent ?? (() => undefined),
    };
  }

  protected async loadRecords(): Promise<void> {
    for (const name of await readdir(layout.imageDbDir(this.dataRoot))) {
      if (!/^[0-9a-f]{64}\.json$/.test(name)) continue;
      const id = `sha256:${name.slice(0, 64)}`;
      try {
        const meta = await readJson<ImageMeta>(layout.imageMetaPath(this.dataRoot, name.slice(0, 64)));
        this.images.set(id, this.record(id, await this.content.readBytes(id), meta));
      } catch (err) {
        warn('images', `skipping image ${id}: ${(err as Error).message}`);
      }
    }
  }

  private record(id: string, bytes: Buffer, meta: ImageMeta): ImageRecord {
    const config = JSON.parse(bytes.toString('utf8')) as ImageConfig;
    const diffIds = config.rootfs?.diff_ids ?? [];
    const chainId = chainIds(diffIds).pop();
    let size = 0;
    for (let c = chainId; c; c = this.snapshots.layer(c)?.parent) {
      const info = this.snapshots.layer(c);
      if (!info) throw new NotFound(`layer ${c} does not exist`);
      size += info.size;
    }
    return { id, config, diffIds, chainId, size, meta };
  }

  /** Decompresses `input`, stores it as a blob (by diffID) and unpacks it once on top of `parent`. */
  async ingestLayer(parent: string | undefined, input: Readable, expectedDiffId?: string): Promise<LayerInfo> {
    const { digest } = await this.content.write(await decompress(input), expectedDiffId);
    return this.snapshots.applyLayer(parent, digest, this.content.read(digest));
  }

  /**
   * Commits the writable snapshot `key` as a layer on its parent: its diff is tarred once (stored as the
   * layer blob, hashed for the diffID) and its upper dir becomes the layer (no second unpack).
   */
  async commitSnapshot(key: string): Promise<LayerInfo> {
    const { digest } = await this.content.write(batched(this.snapshots.diffTar(key)));
    return this.snapshots.adoptUpper(key, digest);
  }

  /**
   * Pull's and load's ingestion, first step: `tar` (uncompressed) is stored and unpacked into temp dirs at
   * once, and only completes when its sha256 is `diffId`; layers stage side by side.
   */
  stageVerifiedLayer(tar: Readable, diffId: string): Promise<StagedIngest> {
    return stageVerified(this.snapshots, tar, diffId);
  }

  /** Second step, in parent order: published as the layer over `parent`. */
  commitStagedLayer(parent: string | undefined, staged: StagedIngest): Promise<LayerInfo> {
    return this.snapshots.commitStaged(parent, staged.diffId, staged.layer);
  }

  discardStagedLayer(staged: StagedIngest): Promise<void> { return this.snapshots.discardStaged(staged.layer); }

  /**
   * Load's ingestion of a layer tar spooled (and synced) to `file` (same filesystem, hashed to `diffId` while
   * spooled) and unpacked into `staged` at the same time: the file becomes the blob, the layer is published.
   */
  async commitSpooledLayer(parent: string | undefined, diffId: string, file: string, staged: StagedLayer): Promise<LayerInfo> {
    try {
      await this.content.adoptFile(file, diffId);
    } catch (err) {
      await this.snapshots.discardStaged(staged);
      throw err;
    }
    return this.snapshots.commitStaged(parent, diffId, staged);
  }

  /** True when the layer `chainId` is unpacked and its tar is kept (blob or tar-split): a pull can skip it. */
  async hasLayer(chainId: string, diffId: string): Promise<boolean> {
    return this.snapshots.hasLayer(chainId) && (await this.content.has(diffId) || await this.snapshots.hasTarSplit(chainId));
  }

  /**
   * The layer tar of `diffId` (the layer `chainId`): its stored blob, or else regenerated from the layer's
   * tar-split record, checked against the diffID as it streams (the stream fails at its end otherwise).
   */
  async layerTar(chainId: string, diffId: string): Promise<{ size: number; stream: Readable }> {
    if (await this.content.has(diffId)) return { size: await this.content.size(diffId), stream: this.content.read(diffId) };
    const t = await this.snapshots.layerTar(chainId);
    if (!t) throw new NotFound(`layer tar for ${diffId} not found`);
    const check = digestCheck(diffId);
    t.stream.on('error', (e) => check.destroy(e));
    check.on('close', () => t.stream.destroy()); // a consumer that stops early releases the open files
    return { size: t.size, stream: t.stream.pipe(check) };
  }

  /** Records an image whose layers are already ingested; the config bytes are kept verbatim. */
  async addImage(configBytes: Buffer, meta: ImageMeta = {}): Promise<ImageRecord> {
    const id = `sha256:${createHash('sha256').update(configBytes).digest('hex')}`;
    const existing = this.images.get(id);
    if (existing) return existing;
    await this.content.writeBytes(configBytes, id);
    const rec = this.record(id, configBytes, meta);
    await writeJsonAtomic(layout.imageMetaPath(this.dataRoot, id.slice(7)), meta);
    this.images.set(id, rec);
    return rec;
  }

  list(): ImageRecord[] { return [...this.images.values()]; }

  /** Docker's GetImage: full or short ID, then name[:tag]/digest, then unambiguous ID prefix. */
  get(refOrId: string): ImageRecord {
    const id = /^(sha256:)?[0-9a-f]{64}$/.test(refOrId) ? `sha256:${refOrId.replace(/^sha256:/, '')}` : undefined;
    if (id) {
      const rec = this.images.get(id);
      if (rec) return rec;
      throw new NotFound(`No such image: ${refOrId}`);
    }
    let ref: Reference | undefined;
    try { ref = withDefaultTag(parseReference(refOrId)); } catch { ref = undefined; }
    const byRef = ref && this.refs.get(ref);
    if (byRef && this.images.has(byRef)) return this.images.get(byRef)!;
    const prefix = refOrId.replace(/^sha256:/, '');
    if (/^[0-9a-f]+$/.test(prefix)) {
      const hits = [...this.images.keys()].filter((k) => k.startsWith(`sha256:${prefix}`));
      if (hits.length === 1) return this.images.get(hits[0]!)!;
    }
    // dockerd names the reference it looked up, default tag included ("No such image: busybox:latest").
    throw new NotFound(`No such image: ${ref ? familiarString(ref) : refOrId}`);
  }

  repoTags(id: string): string[] {
    return this.refs.referencesTo(id).filter((r) => r.tag !== undefined).map(familiarString);
  }

  repoDigests(id: string): string[] {
    return this.refs.referencesTo(id).filter((r) => r.digest !== undefined).map(familiarString);
  }

  /** The parent chainID a container snapshot is prepared on. */
  layerChain(imageId: string): string | undefined { return this.get(imageId).chainId; }

  /**
   * Points `ref` at `id`; returns the image ID it used to point at (Docker's load prints a rename notice).
   * Only a tag (docker tag, import, commit, build: dockerd's TagImageWithReference) stamps LastTagTime and logs
   * a `tag` event; pull, load and push add their references silently, so a pulled or loaded image shows
   * LastTagTime "0001-01-01T00:00:00Z" as on dockerd.
   */
  async setReference(ref: Reference, id: string, opts: { tagged?: boolean } = {}): Promise<string | undefined> {
    const old = await this.refs.set(ref, id);
    if (opts.tagged) {
      const rec = this.images.get(id)!;
      rec.meta = { ...rec.meta, lastTagTime: nowRfc3339Nano() };
      await writeJsonAtomic(layout.imageMetaPath(this.dataRoot, id.slice(7)), rec.meta);
      this.onEvent('tag', id, { name: familiarString(ref) });
    }
    return old !== id ? old : undefined;
  }

  /** POST /images/{name}/tag. */
  async tag(source: string, repo: string, tag?: string): Promise<void> {
    const rec = this.get(source);
    const ref = withDefaultTag(parseReference(tag ? `${repo}:${tag}` : repo));
    await this.setReference(ref, rec.id, { tagged: true });
  }

  /** DELETE /images/{name}: Docker's ImageDelete (daemon/images/image_delete.go). */
  async remove(refOrId: string, opts: RemoveOptions = {}): Promise<DeleteItem[]> {
    const rec = this.get(refOrId);
    const users = usersOf(opts, rec.id);
    const records: DeleteItem[] = [];
    const refs = this.refs.referencesTo(rec.id);
    const byId = rec.id.includes(refOrId.replace(/^sha256:/, '')) && /^(sha256:)?[0-9a-f]+$/.test(refOrId);
    if (!byId) {
      const ref = withDefaultTag(parseReference(refOrId));
      if (!opts.force && singleReference(refs) && users.length > 0) {
        throw new Conflict(`conflict: unable to remove repository reference "${refOrId}" (must force) - container ${short(users[0]!.id)} is using its referenced image ${short(rec.id)}`);
      }
      await this.untag(ref, rec.id, records);
      // dockerd: when the last tag of a repository goes, that repository's digest references (RepoDigests
      // from pull/push) go with it.
      const left = this.refs.referencesTo(rec.id);
      if (ref.digest === undefined && !left.some((r) => r.digest === undefined && r.name === ref.name)) {
        for (const r of left) if (r.digest !== undefined && r.name === ref.name) await this.untag(r, rec.id, records);
      }
      if (this.refs.referencesTo(rec.id).length > 0) return records;
    } else if (singleReference(refs)) {
      this.checkConflicts(rec, users, opts.force ? 'hard' : 'soft-no-refs');
      for (const ref of refs) await this.untag(ref, rec.id, records);
    }
    this.checkConflicts(rec, users, opts.force ? 'hard' : 'soft');
    for (const ref of this.refs.referencesTo(rec.id)) await this.untag(ref, rec.id, records);
    await this.deleteRecord(rec, records);
    if (!opts.noPrune) await this.pruneParents(rec.meta.parent, opts, records);
    return records;
  }

  /**
   * dockerd's prune of the parents (unless noprune): each untagged parent left without children and unused by
   * any container goes too, quietly stopping at the first that does not qualify (the classic builder's
   * intermediate images go with the image built on them).
   */
  private async pruneParents(parentId: string | undefined, opts: RemoveOptions, records: DeleteItem[]): Promise<void> {
    for (let id = parentId; id;) {
      const p = this.images.get(id);
      if (!p || this.refs.referencesTo(p.id).length > 0 || usersOf(opts, p.id).length > 0) return;
      if (this.list().some((i) => i.meta.parent === p.id)) return;
      id = p.meta.parent;
      await this.deleteRecord(p, records);
    }
  }

  private async untag(ref: Reference, id: string, records: DeleteItem[]): Promise<void> {
    await this.refs.delete(ref);
    records.push({ Untagged: familiarString(ref) });
    this.onEvent('untag', id, { name: id }); // dockerd names the image ID here, not the removed tag
  }

  private checkConflicts(rec: ImageRecord, users: ContainerUse[], level: 'hard' | 'soft' | 'soft-no-refs'): void {
    const fail = (hard: boolean, msg: string) => new Conflict(`conflict: unable to delete ${short(rec.id)} (${hard ? 'cannot be forced' : 'must be forced'}) - ${msg}`);
    if (this.list().some((i) => i.meta.parent === rec.id)) throw fail(true, 'image has dependent child images');
    const running = users.find((u) => u.running);
    if (running) throw fail(true, `image is being used by running container ${short(running.id)}`);
    if (level === 'hard') return;
    if (level === 'soft' && this.refs.referencesTo(rec.id).length > 1) throw fail(false, 'image is referenced in multiple repositories');
    if (users.length > 0) throw fail(false, `image is being used by stopped container ${short(users[0]!.id)}`);
  }

  /** Drops the record, its config blob, and every layer (and layer blob) no remaining image needs. */
  protected async deleteRecord(rec: ImageRecord, records: DeleteItem[]): Promise<void> {
    await rm(layout.imageMetaPath(this.dataRoot, rec.id.slice(7)), { force: true });
    this.images.delete(rec.id);
    if (!this.list().some((i) => i.id === rec.id)) await this.content.delete(rec.id);
    this.onEvent('delete', rec.id, { name: rec.id });
    records.push({ Deleted: rec.id });
    const removed = await this.snapshots.pruneLayers(this.list().map((i) => i.chainId).filter((c): c is string => !!c));
    // dockerd reports the layers this image released; others the prune found unused go silently.
    const own = new Set(chainIds(rec.diffIds));
    for (const c of removed.filter((x) => own.has(x)).reverse()) records.push({ Deleted: c });
    const liveDiffs = new Set(this.list().flatMap((i) => i.diffIds));
    for (const d of rec.diffIds) if (!liveDiffs.has(d)) await this.content.delete(d);
  }
}

/** Regroups a stream's small chunks (tar headers, small files) into ~1 MiB writes. */
async function* batched(input: AsyncIterable<unknown>): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  for await (const c of input) {
    const b = c as Buffer;
    parts.push(b);
    size += b.length;
    if (size >= 1 << 20) { yield Buffer.concat(parts, size); parts = []; size = 0; }
  }
  if (size) yield Buffer.concat(parts, size);
}

function usersOf(opts: RemoveOptions, id: string): ContainerUse[] {
  const u = opts.isUsed?.(id);
  if (u === true) return [{ id: '', running: false }];
  return Array.isArray(u) ? u : [];
}

/** Docker's isSingleReference: at most one tag, and every reference within one repository. */
function singleReference(refs: Reference[]): boolean {
  if (refs.filter((r) => r.tag !== undefined).length > 1) return false;
  return new Set(refs.map((r) => r.name)).size <= 1;
}

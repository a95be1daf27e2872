// The overlayfs snapshotter (see types.ts for the lifecycle). Layers are unpacked once per chainID and
// shared; active snapshots are an upper+work pair over a parent layer chain.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { InvalidParameter, NotFound, SystemError } from '../errors.js';
import { KeyedMutex, fsyncDir, layout, readJson, syncLayerData, writeJsonAtomic } from '../store/index.js';
import { native, warn } from '../sys/index.js';
import { chainId as computeChainId, hexOf } from './digest.js';
import { changes, diffTar, dirSize } from './diff.js';
import type { Change, GraphDriverInfo, LayerInfo, SnapshotMounts, StagedLayer } from './types.js';
import { TarSplitWriter, adoptTarSplit, hasTarSplit, readTarSplit } from './tar-split.js';
import { unpackTar } from './unpack.js';

interface ActiveRecord { key: string; parent: string | undefined; init?: boolean; mountedAt?: string }

const KEY_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export class Snapshotter {
  private readonly layers = new Map<string, LayerInfo>();
  private readonly active = new Map<string, ActiveRecord>();
  private readonly locks = new KeyedMutex();

  private constructor(readonly dataRoot: string) {}

  /** Opens (creating) <dataRoot>/snapshots, sweeps crash leftovers and loads layers and snapshots. */
  static async open(dataRoot: string): Promise<Snapshotter> {
    const s = new Snapshotter(dataRoot);
    await rm(layout.snapshotsTmpDir(dataRoot), { recursive: true, force: true });
    for (const d of [layout.layersDir(dataRoot), layout.activeDir(dataRoot), layout.snapshotsTmpDir(dataRoot)]) {
      await mkdir(d, { recursive: true, mode: 0o700 });
    }
    for (const hex of await readdir(layout.layersDir(dataRoot))) {
      const info = await readJson<LayerInfo>(join(layout.layerDir(dataRoot, hex), 'layer.json')).catch(() => undefined);
      if (info) s.layers.set(info.chainId, info);
      else warn('snapshots', `ignoring incomplete layer ${hex}`);
    }
    for (const key of await readdir(layout.activeDir(dataRoot))) {
      const rec = await readJson<ActiveRecord>(join(layout.activeSnapshotDir(dataRoot, key), 'snapshot.json')).catch(() => undefined);
      if (rec) s.active.set(key, rec);
      else await rm(layout.activeSnapshotDir(dataRoot, key), { recursive: true, force: true }); // prepare cut short
    }
    return s;
  }

  // ---- layers ----

  layer(chainId: string): LayerInfo | undefined { return this.layers.get(chainId); }
  hasLayer(chainId: string): boolean { return this.layers.has(chainId); }
  listLayers(): LayerInfo[] { return [...this.layers.values()]; }

  /**
   * Unpacks the uncompressed layer tar `tar` (whose sha256 is `diffId`) on top of `parent` and returns the
   * layer; a layer already present is reused and `tar` is drained. Hostile archives throw InvalidParameter
   * and leave nothing behind.
   */
  async applyLayer(parent: string | undefined, diffId: string, tar: Readable): Promise<LayerInfo> {
    if (parent && !this.layers.has(parent)) throw new NotFound(`parent layer ${parent} does not exist`);
    const id = computeChainId(parent, diffId);
    return this.locks.run(`layer:${id}`, async () => {
      const have = this.layers.get(id);
      if (have) { tar.resume(); return have; }
      const tmp = join(layout.snapshotsTmpDir(this.dataRoot), randomBytes(8).toString('hex'));
      try {
        await mkdir(join(tmp, 'diff'), { recursive: true, mode: 0o755 });
        await unpackTar(tar, join(tmp, 'diff'));
        const info: LayerInfo = { chainId: id, diffId, parent, size: await dirSize(join(tmp, 'diff')) };
        await writeJsonAtomic(join(tmp, 'layer.json'), info);
        await rename(tmp, layout.layerDir(this.dataRoot, hexOf(id)));
        await fsyncDir(layout.layersDir(this.dataRoot));
        this.layers.set(id, info);
        return info;
      } catch (err) {
        await rm(tmp, { recursive: true, force: true });
        throw err;
      }
    });
  }

  /**
   * Unpacks `tar` into a fresh temp dir that is not a layer yet: a pull unpacks its layers side by side
   * (none needs its parent on disk) and publishes them in order with commitStaged. Hostile archives throw
   * InvalidParameter and leave nothing behind. With WHARF_SYNC_LAYERS=1 (store's syncLayerData) the files'
   * data is synced (fdatasync each) before this resolves; commitStaged's directory fsync commits the metadata.
   */
  stageLayer(tar: Readable, opts: { split?: boolean } = {}): Promise<StagedLayer> { return stageLayerDir(this.dataRoot, tar, opts); }

  /**
   * Publishes a staged layer as chainID(parent, diffId) (the caller verified that its tar hashes to
   * diffId); a layer already present is kept and the staged copy dropped.
   */
  async commitStaged(parent: string | undefined, diffId: string, staged: StagedLayer): Promise<LayerInfo> {
    if (parent && !this.layers.has(parent)) throw new NotFound(`parent layer ${parent} does not exist`);
    const id = computeChainId(parent, diffId);
    return this.locks.run(`layer:${id}`, async () => {
      const have = this.layers.get(id);
      if (have) {
        // The same tar unpacked the same way: a layer kept without its tar (a container still used it when its
        // image went) takes the staged record, whose references hold for either copy.
        await adoptTarSplit(staged.dir, layout.layerDir(this.dataRoot, hexOf(id))).catch((err: Error) => warn('snapshots', `layer ${id}: keeping its tar-split record failed: ${err.message}`));
        await this.discardStaged(staged);
        return have;
      }
      try {
        const info: LayerInfo = { chainId: id, diffId, parent, size: staged.size };
        await writeJsonAtomic(join(staged.dir, 'layer.json'), info);
        await rename(staged.dir, layout.layerDir(this.dataRoot, hexOf(id)));
        await fsyncDir(layout.layersDir(this.dataRoot));
        this.layers.set(id, info);
        return info;
      } catch (err) {
        await this.discardStaged(staged);
        throw err;
      }
    });
  }

  discardStaged(staged: StagedLayer): Promise<void> { return discardStagedDir(staged); }

  /** Whether the layer keeps its tar as a tar-split record (a pulled layer does; see tar-split.ts). */
  hasTarSplit(chainId: string): Promise<boolean> {
    return this.layers.has(chainId) ? hasTarSplit(layout.layerDir(this.dataRoot, hexOf(chainId))) : Promise.resolve(false);
  }

  /** The layer's tar regenerated from its tar-split record and files; undefined when it has no record. */
  async layerTar(chainId: string): Promise<{ size: number; stream: Readable } | undefined> {
    if (!this.layers.has(chainId)) return undefined;
    return readTarSplit(layout.layerDir(this.dataRoot, hexOf(chainId)));
  }

  /** The diff dirs of a chain, top-most first (overlayfs lowerdir order). */
  lowerdirs(chainId: string | undefined): string[] {
    const out: string[] = [];
    for (let id = chainId; id; id = this.layers.get(id)?.parent) {
      if (!this.layers.has(id)) throw new NotFound(`layer ${id} does not exist`);
      out.push(join(layout.layerDir(this.dataRoot, hexOf(id)), 'diff'));
    }
    return out;
  }

  /** Docker's image inspect GraphDriver for an image whose top layer is `chainId`. */
  layerGraphDriver(chainId: string | undefined): GraphDriverInfo {
    if (!chainId) return { Name: 'overlay2', Data: null };
    const [top, ...lower] = this.lowerdirs(chainId);
    const dir = layout.layerDir(this.dataRoot, hexOf(chainId));
    const data: Record<string, string> = { MergedDir: join(dir, 'merged'), UpperDir: top!, WorkDir: join(dir, 'work') };
    return { Name: 'overlay2', Data: lower.length ? { LowerDir: lower.join(':'), ...data } : data };
  }

  /** Removes every layer that is not in the chain of a kept layer or of an active snapshot. */
  async pruneLayers(keep: Iterable<string>): Promise<string[]> {
    const needed = new Set<string>();
    const mark = (id: string | undefined) => { for (; id && !needed.has(id); id = this.layers.get(id)?.parent) needed.add(id); };
    for (const id of keep) mark(id);
    for (const rec of this.active.values()) mark(rec.parent);
    const removed: string[] = [];
    for (const id of [...this.layers.keys()]) {
      if (needed.has(id)) continue;
      await this.locks.run(`layer:${id}`, async () => {
        // Rename first so a crash mid-delete never leaves a half-removed layer looking complete.
        const trash = join(layout.snapshotsTmpDir(this.dataRoot), `rm-${hexOf(id)}`);
        await rename(layout.layerDir(this.dataRoot, hexOf(id)), trash);
        this.layers.delete(id);
        await rm(trash, { recursive: true, force: true });
      });
      removed.push(id);
    }
    return removed;
  }

  // ---- active snapshots ----

  /** Creates the writable snapshot `key` over the layer chain `parent` (undefined: an empty rootfs). */
  /**
   * Creates the writable snapshot `key` over the layer chain `parent` (undefined: an empty rootfs). With
   * `init`, a read-only init layer like Docker's sits between the image and the writable layer: the mount
   * points the runtime binds over (/etc/hosts, /etc/hostname, /etc/resolv.conf, /dev/console...), /.dockerenv
   * and /etc/mtab, so they never show up in the container's changes, commits or `diff`.
   */
  async prepare(key: string, parent: string | undefined, opts: { init?: boolean } = {}): Promise<SnapshotMounts> {
    if (!KEY_RE.test(key)) throw new InvalidParameter(`invalid snapshot key "${key}"`);
    return this.locks.run(key, async () => {
      if (this.active.has(key)) throw new InvalidParameter(`snapshot ${key} already exists`);
      const dir = layout.activeSnapshotDir(this.dataRoot, key);
      await mkdir(join(dir, 'upper'), { recursive: true, mode: 0o755 });
      await mkdir(join(dir, 'work'), { mode: 0o700 });
      if (opts.init) await writeInitLayer(join(dir, 'init'));
      const rec: ActiveRecord = opts.init ? { key, parent, init: true } : { key, parent };
      await writeJsonAtomic(join(dir, 'snapshot.json'), rec); // last: its presence marks the snapshot complete
      this.active.set(key, rec);
      return this.mounts(key);
    });
  }

  has(key: string): boolean { return this.active.has(key); }

  mounts(key: string): SnapshotMounts {
    const rec = this.get(key);
    const dir = layout.activeSnapshotDir(this.dataRoot, key);
    const image = this.lowerdirs(rec.parent);
    return { upperdir: join(dir, 'upper'), workdir: join(dir, 'work'), lowerdirs: rec.init ? [join(dir, 'init'), ...image] : image };
  }

  /** Where Docker would show MergedDir; the default mount target. */
  mergedDir(key: string): string { return join(layout.activeSnapshotDir(this.dataRoot, key), 'merged'); }

  /** Mounts the snapshot's overlay at `target` (default mergedDir(key)). */
  async mount(key: string, target = this.mergedDir(key)): Promise<void> {
    await this.locks.run(key, async () => {
      const m = this.mounts(key);
      await mkdir(target, { recursive: true, mode: 0o755 });
      // overlayfs needs at least one lowerdir: an image without layers gets an empty one.
      const lowers = m.lowerdirs.length ? m.lowerdirs : [await this.emptyLower(key)];
      const data = `lowerdir=${lowers.join(':')},upperdir=${m.upperdir},workdir=${m.workdir},index=off`;
      if (data.length > 4000) throw new SystemError(`too many layers to mount snapshot ${key} (${lowers.length})`);
      native.mount('overlay', target, 'overlay', 0, data);
      const rec = { ...this.get(key), mountedAt: target };
      await writeJsonAtomic(join(layout.activeSnapshotDir(this.dataRoot, key), 'snapshot.json'), rec);
      this.active.set(key, rec);
    });
  }

  /** Unmounts the snapshot if it is mounted (lazily, like Docker's overlay2 Put with MNT_DETACH). */
  async unmount(key: string): Promise<void> {
    await this.locks.run(key, async () => {
      const rec = this.active.get(key);
      if (!rec?.mountedAt) return;
      await native.unmountAsync(rec.mountedAt, native.MNT_DETACH);
      const next: ActiveRecord = rec.init ? { key: rec.key, parent: rec.parent, init: true } : { key: rec.key, parent: rec.parent };
      await writeJsonAtomic(join(layout.activeSnapshotDir(this.dataRoot, key), 'snapshot.json'), next);
      this.active.set(key, next);
    });
  }

  /** Unmounts and deletes the snapshot; removing an unknown key is not an error (idempotent cleanup). */
  async remove(key: string): Promise<void> {
    await this.unmount(key);
    await this.locks.run(key, async () => {
      const dir = layout.activeSnapshotDir(this.dataRoot, key);
      const trash = join(layout.snapshotsTmpDir(this.dataRoot), `rm-${key}-${randomBytes(4).toString('hex')}`);
      await rename(dir, trash).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err; });
      this.active.delete(key);
      await rm(trash, { recursive: true, force: true });
    });
  }

  /**
   * Commit without a second unpack (what containerd's overlay snapshotter does): the snapshot's upper dir,
   * whose layer tar hashes to `diffId`, becomes the layer over the snapshot's parent; the snapshot is left
   * unmounted with a fresh empty upper dir. A layer already present is reused.
   */
  async adoptUpper(key: string, diffId: string): Promise<LayerInfo> {
    const parent = this.get(key).parent;
    const id = computeChainId(parent, diffId);
    await this.unmount(key);
    return this.locks.run(`layer:${id}`, () => this.locks.run(key, async () => {
      const have = this.layers.get(id);
      if (have) return have;
      const upper = join(layout.activeSnapshotDir(this.dataRoot, key), 'upper');
      const tmp = join(layout.snapshotsTmpDir(this.dataRoot), randomBytes(8).toString('hex'));
      try {
        await mkdir(tmp, { mode: 0o755 });
        await rename(upper, join(tmp, 'diff'));
        await mkdir(upper, { mode: 0o755 });
        const info: LayerInfo = { chainId: id, diffId, parent, size: await dirSize(join(tmp, 'diff')) };
        await writeJsonAtomic(join(tmp, 'layer.json'), info);
        await rename(tmp, layout.layerDir(this.dataRoot, hexOf(id)));
        await fsyncDir(layout.layersDir(this.dataRoot));
        this.layers.set(id, info);
        return info;
      } catch (err) {
        await rm(tmp, { recursive: true, force: true });
        throw err;
      }
    }));
  }

  /** Bytes written by the container (SizeRw for `ps -s`). */
  async usage(key: string): Promise<number> {
    this.get(key);
    return dirSize(join(layout.activeSnapshotDir(this.dataRoot, key), 'upper'));
  }

  /** Bytes of the parent layers (SizeRootFs minus SizeRw). */
  parentSize(key: string): number {
    let total = 0;
    for (let id = this.get(key).parent; id; id = this.layers.get(id)?.parent) total += this.layers.get(id)?.size ?? 0;
    return total;
  }

  async changes(key: string): Promise<Change[]> {
    const m = this.mounts(key);
    return changes(m.upperdir, m.lowerdirs);
  }

  /** The upper dir as a layer tar with AUFS whiteouts (for commit). */
  diffTar(key: string): Readable {
    return diffTar(this.mounts(key).upperdir);
  }

  /** Container inspect's GraphDriver (Docker's overlay2 shape). */
  graphDriver(key: string): GraphDriverInfo {
    const m = this.mounts(key);
    const data: Record<string, string> = { MergedDir: this.mergedDir(key), UpperDir: m.upperdir, WorkDir: m.workdir };
    return { Name: 'overlay2', Data: m.lowerdirs.length ? { LowerDir: m.lowerdirs.join(':'), ...data } : data };
  }

  private get(key: string): ActiveRecord {
    const rec = this.active.get(key);
    if (!rec) throw new NotFound(`snapshot ${key} does not exist`);
    return rec;
  }

  private async emptyLower(key: string): Promise<string> {
    const dir = join(layout.activeSnapshotDir(this.dataRoot, key), 'empty');
    await mkdir(dir, { recursive: true, mode: 0o755 });
    await stat(dir);
    return dir;
  }
}

/** Docker's init layer (daemon/initlayer): directories, empty files and one symlink, owned by root. */
const INIT_LAYER: Array<[string, 'dir' | 'file' | string]> = [
  ['dev/pts', 'dir'], ['dev/shm', 'dir'], ['proc', 'dir'], ['sys', 'dir'], ['.dockerenv', 'file'],
  ['etc/resolv.conf', 'file'], ['etc/hosts', 'file'], ['etc/hostname', 'file'], ['dev/console', 'file'],
  ['etc/mtab', '/proc/mounts'],
];

async function writeInitLayer(root: string): Promise<void> {
  await mkdir(root, { recursive: true, mode: 0o755 });
  for (const [rel, kind] of INIT_LAYER) {
    const path = join(root, rel);
    await mkdir(dirname(path), { recursive: true, mode: 0o755 });
    if (kind === 'dir') await mkdir(path, { recursive: true, mode: 0o755 });
    else if (kind === 'file') await writeFile(path, '', { mode: 0o755 });
    else await symlink(kind, path);
  }
}

/**
 * Snapshotter.stageLayer without a Snapshotter: what a layer worker thread runs (it touches only its own
 * temp dir under <dataRoot>/snapshots/tmp; the daemon's Snapshotter publishes it with commitStaged).
 */
export async function stageLayerDir(dataRoot: string, tar: Readable, opts: { split?: boolean } = {}): Promise<StagedLayer> {
  const dir = join(layout.snapshotsTmpDir(dataRoot), randomBytes(8).toString('hex'));
  let split: TarSplitWriter | undefined;
  try {
    await mkdir(join(dir, 'diff'), { recursive: true, mode: 0o755 });
    if (opts.split) split = await TarSplitWriter.create(dir);
    await unpackTar(tar, join(dir, 'diff'), { sync: syncLayerData(), split });
    if (split) {
      // Whatever follows the archive's end is part of the tar too; the stream ends once it was checked.
      if (!tar.readableEnded) { tar.resume(); await finished(tar, { writable: false }); }
      await split.finish({ sync: syncLayerData() });
    }
    return { dir, size: await dirSize(join(dir, 'diff')) };
  } catch (err) {
    await split?.abort();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

export async function discardStagedDir(staged: StagedLayer): Promise<void> { await rm(staged.dir, { recursive: true, force: true }); }

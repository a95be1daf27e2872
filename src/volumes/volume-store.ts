// The local volume driver and the volume registry: create, list (with dockerd's filters), inspect, remove,
// prune, and mount references. Metadata is one JSON file per volume next to its _data directory.
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Conflict, InvalidParameter, NotFound } from '../errors.js';
import { KeyedMutex, layout, readJsonOr, sweepTemp, writeJsonAtomic } from '../store/index.js';
import { native, warn } from '../sys/index.js';
import { mountLocal, needsMount, validateLocalOptions } from './local-options.js';
import type { CreateVolumeOptions, VolumeFilters, VolumeRecord } from './types.js';

export interface VolumeStoreOptions {
  /** IDs of the containers whose records refer to the volume (running or not). */
  usedBy?: (name: string) => string[];
  onEvent?: (action: string, name: string, attributes: Record<string, string>) => void;
}

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** dockerd's volume name check (volume/local's validateName), with its messages. */
export function validateVolumeName(name: string): void {
  if (name.length === 1) throw new InvalidParameter(`create ${name}: volume name is too short, names should be at least two alphanumeric characters`);
  if (!NAME_RE.test(name)) {
    throw new InvalidParameter(`create ${name}: ${JSON.stringify(name)} includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
  }
}

function nowRfc3339(): string { return new Date().toISOString().replace(/\.\d+Z$/, 'Z'); }

export class VolumeStore {
  private readonly volumes = new Map<string, VolumeRecord>();
  /** Mount references per volume (container IDs); options volumes are mounted while this is non-empty. */
  private readonly mounts = new Map<string, Set<string>>();
  private readonly lock = new KeyedMutex();
  private usedBy: (name: string) => string[];

  private constructor(readonly root: string, private readonly opts: VolumeStoreOptions) {
    this.usedBy = opts.usedBy ?? (() => []);
  }

  static async open(dataRoot: string, opts: VolumeStoreOptions = {}): Promise<VolumeStore> {
    const store = new VolumeStore(layout.volumesDir(dataRoot), opts);
    await mkdir(store.root, { recursive: true, mode: 0o701 });
    await sweepTemp(store.root).catch(() => undefined);
    for (const name of await readdir(store.root)) {
      const rec = await readJsonOr<VolumeRecord | undefined>(join(store.root, name, 'volume.json'), undefined);
      if (rec?.Name === name) store.volumes.set(name, rec);
      // A directory without its record is a create that crashed half way: nothing refers to it.
      else if (!rec) await rm(join(store.root, name), { recursive: true, force: true }).catch(() => undefined);
    }
    return store;
  }

  /** The container manager is built after the store; it supplies the in-use lookup once it exists. */
  setUsedBy(fn: (name: string) => string[]): void { this.usedBy = fn; }

  dataPath(name: string): string { return join(this.root, name, '_data'); }

  list(): VolumeRecord[] { return [...this.volumes.values()]; }

  get(name: string): VolumeRecord {
    const v = this.volumes.get(name);
    if (!v) throw new NotFound(`get ${name}: no such volume`);
    return v;
  }

  has(name: string): boolean { return this.volumes.has(name); }

  users(name: string): string[] { return this.usedBy(name); }

  /** POST /volumes/create: an existing volume of the same name is returned as it is (dockerd does too). */
  async create(o: CreateVolumeOptions): Promise<VolumeRecord> {
    const name = o.name || randomBytes(32).toString('hex');
    const driver = o.driver || 'local';
    if (driver !== 'local') throw new NotFound(`create ${name}: error looking up volume plugin ${driver}: plugin ${JSON.stringify(driver)} not found`);
    validateVolumeName(name);
    validateLocalOptions(name, o.options);
    return this.lock.run(name, async () => {
      const existing = this.volumes.get(name);
      if (existing) return existing;
      const rec: VolumeRecord = { Name: name, Driver: 'local', CreatedAt: nowRfc3339(), Labels: o.labels ?? null, Options: o.options ?? null };
      const dir = join(this.root, name);
      await mkdir(join(dir, '_data'), { recursive: true, mode: 0o755 });
      await writeJsonAtomic(join(dir, 'volume.json'), rec);
      this.volumes.set(name, rec);
      this.opts.onEvent?.('create', name, { driver: 'local' });
      return rec;
    });
  }

  /** DELETE /volumes/{name}: 409 while any container refers to it; force only ignores a missing volume. */
  async remove(name: string, opts: { force?: boolean } = {}): Promise<void> {
    await this.lock.run(name, async () => {
      if (!this.volumes.has(name)) {
        if (opts.force) return;
        throw new NotFound(`get ${name}: no such volume`);
      }
      const users = this.usedBy(name);
      if (users.length) throw new Conflict(`remove ${name}: volume is in use - [${users.join(', ')}]`);
      const dir = join(this.root, name);
      native.unmount(join(dir, '_data'));
      this.mounts.delete(name);
      this.volumes.delete(name);
      await rm(dir, { recursive: true, force: true });
      this.opts.onEvent?.('destroy', name, { driver: 'local' });
    });
  }

  /** Takes a mount reference for a container; returns the host path to bind into it. */
  async mount(name: string, ref: string): Promise<string> {
    return this.lock.run(name, async () => {
      const rec = this.get(name);
      const refs = this.mounts.get(name) ?? new Set<string>();
      const target = this.dataPath(name);
      if (needsMount(rec.Options) && refs.size === 0) {
        try { mountLocal(target, rec.Options!); } catch (err) {
          throw new Error(`error while mounting volume '${join(this.root, name, '_data')}': ${(err as Error).message}`, { cause: err });
        }
      }
      refs.add(ref);
      this.mounts.set(name, refs);
      this.opts.onEvent?.('mount', name, { container: ref, driver: 'local' });
      return target;
    });
  }

  /** After a daemon restart: a running container still holds its mount (the mount itself outlived us). */
  adopt(name: string, ref: string): void {
    if (!this.volumes.has(name)) return;
    const refs = this.mounts.get(name) ?? new Set<string>();
    refs.add(ref);
    this.mounts.set(name, refs);
  }

  /** Drops a container's mount reference; the last one unmounts an options volume. */
  async unmount(name: string, ref: string): Promise<void> {
    await this.lock.run(name, async () => {
      const refs = this.mounts.get(name);
      if (!refs?.delete(ref)) return;
      if (refs.size === 0) {
        this.mounts.delete(name);
        const rec = this.volumes.get(name);
        if (rec && needsMount(rec.Options)) {
          try { native.unmount(this.dataPath(name)); } catch (err) { warn('volumes', `unmount ${name}: ${(err as Error).message}`); }
        }
      }
      this.opts.onEvent?.('unmount', name, { container: ref, driver: 'local' });
    });
  }

  /** GET /volumes: dockerd's filters (dangling, name, label, driver), each checked for validity. */
  filter(filters: VolumeFilters): VolumeRecord[] {
    for (const k of Object.keys(filters)) {
      if (!['dangling', 'name', 'label', 'driver'].includes(k)) throw new InvalidParameter(`Invalid filter '${k}'`);
    }
    let dangling: boolean | undefined;
    for (const v of filters.dangling ?? []) {
      if (v === 'true' || v === '1') dangling = true;
      else if (v === 'false' || v === '0') dangling = false;
      else throw new InvalidParameter(`Invalid filter 'dangling=[${v}]'`);
    }
    return this.list().filter((v) => {
      if (filters.name?.length && !filters.name.some((n) => v.Name.includes(n))) return false;
      if (filters.driver?.length && !filters.driver.includes(v.Driver)) return false;
      if (filters.label?.length && !filters.label.every((l) => matchLabel(v.Labels, l))) return false;
      if (dangling !== undefined && (this.usedBy(v.Name).length === 0) !== dangling) return false;
      return true;
    });
  }

  /** POST /volumes/prune: every volume no container refers to (20.10 prunes named ones too); label filters. */
  async prune(filters: VolumeFilters): Promise<{ VolumesDeleted: string[] | null; SpaceReclaimed: number }> {
    for (const k of Object.keys(filters)) {
      if (k !== 'label' && k !== 'label!') throw new InvalidParameter(`Invalid filter '${k}'`);
    }
    const deleted: string[] = [];
    let space = 0;
    for (const v of this.list()) {
      if (filters.label?.length && !filters.label.every((l) => matchLabel(v.Labels, l))) continue;
      if (filters['label!']?.length && filters['label!'].some((l) => matchLabel(v.Labels, l))) continue;
      if (this.usedBy(v.Name).length) continue;
      const size = needsMount(v.Options) ? 0 : await dirSize(this.dataPath(v.Name));
      try {
        await this.remove(v.Name);
      } catch (err) {
        warn('volumes', `prune ${v.Name}: ${(err as Error).message}`);
        continue;
      }
      deleted.push(v.Name);
      space += size;
    }
    if (deleted.length) this.opts.onEvent?.('prune', '', { reclaimed: String(space) });
    return { VolumesDeleted: deleted.length ? deleted : null, SpaceReclaimed: space };
  }

  /** Bytes under the volume's _data (system df); -1 when it cannot be measured. */
  async size(name: string): Promise<number> {
    return dirSize(this.dataPath(name)).catch(() => -1);
  }
}

function matchLabel(labels: Record<string, string> | null, want: string): boolean {
  const i = want.indexOf('=');
  if (i < 0) return !!labels && Object.hasOwn(labels, want);
  return !!labels && labels[want.slice(0, i)] === want.slice(i + 1);
}

/** Apparent size of a tree (directory.Size in dockerd: regular file sizes, hard links counted once). */
export async function dirSize(path: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const walk = async (p: string): Promise<void> => {
    let entries;
    try { entries = await readdir(p, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const full = join(p, e.name);
      if (e.isDirectory()) { await walk(full); continue; }
      const st = await lstat(full).catch(() => undefined);
      if (!st) continue;
      const key = `${st.dev}:${st.ino}`;
      if (st.nlink > 1) { if (seen.has(key)) continue; seen.add(key); }
      total += st.size;
    }
  };
  await walk(path);
  return total;
}

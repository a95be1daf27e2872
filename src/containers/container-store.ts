// The set of container records: kept in memory, persisted one file per container
// (<dataRoot>/containers/<id>/config.v2.json, written atomically), and looked up the way Docker does:
// full ID, exact name, then unique ID prefix.
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Conflict, NotFound, InvalidParameter } from '../errors.js';
import { readJson, writeJsonAtomic } from '../store/index.js';
import { native, warn } from '../sys/index.js';
import type { ContainerRecord } from './types.js';

export class ContainerStore {
  private readonly byId = new Map<string, ContainerRecord>();
  private readonly byName = new Map<string, string>();
  /** Per container, the last record write asked for: writes go out in order, and delete() waits for them. */
  private readonly writes = new Map<string, Promise<void>>();
  /** Records dropped by forget()/delete(): a write still in flight must not bring them back. */
  private readonly gone = new WeakSet<ContainerRecord>();

  private constructor(readonly root: string) {}

  static async open(root: string): Promise<ContainerStore> {
    const store = new ContainerStore(root);
    await mkdir(root, { recursive: true, mode: 0o710 });
    for (const id of await readdir(root)) {
      if (!/^[0-9a-f]{64}$/.test(id)) continue;
      try {
        const rec = await readJson<ContainerRecord>(join(root, id, 'config.v2.json'));
        store.byId.set(rec.Id, rec);
        store.byName.set(rec.Name, rec.Id);
      } catch (err) {
        // A directory without a complete record was a create interrupted by a crash: nothing refers to it.
        warn('containers', `removing incomplete container directory ${id}: ${(err as Error).message}`);
        // Its rootfs may still be mounted (a removal cut short): detach it first, and never fail the start.
        try { native.unmount(join(root, id, 'rootfs'), native.MNT_DETACH); } catch { /* not mounted */ }
        await rm(join(root, id), { recursive: true, force: true }).catch((e: Error) => warn('containers', `could not remove ${id}: ${e.message}`));
      }
    }
    return store;
  }

  dir(id: string): string { return join(this.root, id); }

  all(): ContainerRecord[] { return [...this.byId.values()]; }

  nameTaken(name: string): boolean { return this.byName.has(name.startsWith('/') ? name : `/${name}`); }

  /** Reserves a name; Docker's 409 text when another container holds it. */
  reserveName(name: string, id: string): void {
    const key = `/${name}`;
    const holder = this.byName.get(key);
    if (holder && holder !== id) {
      throw new Conflict(`Conflict. The container name "${key}" is already in use by container "${holder}". You have to remove (or rename) that container to be able to reuse that name.`);
    }
    this.byName.set(key, id);
  }

  releaseName(name: string): void { this.byName.delete(name); }

  /** Docker's lookup order: full ID, name, unique ID prefix. */
  find(ref: string): ContainerRecord | undefined {
    if (!ref) return undefined;
    const exact = this.byId.get(ref);
    if (exact) return exact;
    const named = this.byName.get(ref.startsWith('/') ? ref : `/${ref}`);
    if (named) return this.byId.get(named);
    if (!/^[0-9a-f]+$/.test(ref)) return undefined;
    let hit: ContainerRecord | undefined;
    for (const [id, rec] of this.byId) {
      if (!id.startsWith(ref)) continue;
      if (hit) throw new InvalidParameter(`Multiple IDs found with provided prefix: ${ref}`);
      hit = rec;
    }
    return hit;
  }

  get(ref: string): ContainerRecord {
    const rec = this.find(ref);
    if (!rec) throw new NotFound(`No such container: ${ref}`);
    return rec;
  }

  /**
   * Writes the record (temp, fsync, rename) after any earlier write of the same container, then makes it
   * findable. A caller may leave the promise for later: the next save or delete of that container still
   * comes after it on disk.
   */
  save(rec: ContainerRecord): Promise<void> {
    const prev = this.writes.get(rec.Id);
    const write = async () => {
      await mkdir(this.dir(rec.Id), { recursive: true, mode: 0o710 });
      await writeJsonAtomic(join(this.dir(rec.Id), 'config.v2.json'), rec);
      if (this.gone.has(rec)) return;
      this.byId.set(rec.Id, rec);
      this.byName.set(rec.Name, rec.Id);
    };
    const next = prev ? prev.catch(() => undefined).then(write) : write();
    this.writes.set(rec.Id, next);
    void next.catch(() => undefined).then(() => { if (this.writes.get(rec.Id) === next) this.writes.delete(rec.Id); });
    return next;
  }

  async delete(rec: ContainerRecord): Promise<void> {
    this.forget(rec);
    await this.writes.get(rec.Id)?.catch(() => undefined);
    await rm(this.dir(rec.Id), { recursive: true, force: true });
  }

  /** Drops the record from memory only (its name is free); its directory stays until delete(). */
  forget(rec: ContainerRecord): void {
    this.gone.add(rec);
    this.byId.delete(rec.Id);
    if (this.byName.get(rec.Name) === rec.Id) this.byName.delete(rec.Name);
  }
}

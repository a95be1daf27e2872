// The build cache: one key per step, sha256 over the parent image ID and the step's container config
// (whose Cmd carries the instruction, its build args and, for COPY/ADD, the content hash of the sources),
// mapped to the image that step committed. Persisted in <root>/build/cache.json (atomic writes, once at the end of each build), so it
// survives restarts; an entry whose image is gone is ignored and dropped.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { goContainerConfig, goJson } from '../../images/index.js';
import { readJsonOr, writeJsonAtomic } from '../../store/index.js';
import type { Json } from './types.js';

export class BuildCache {
  private dirty = false;
  private constructor(private readonly file: string, private entries: Record<string, string>) {}

  static async open(dir: string): Promise<BuildCache> {
    const file = join(dir, 'cache.json');
    return new BuildCache(file, await readJsonOr<Record<string, string>>(file, {}));
  }

  static key(parentId: string, containerConfig: Json): string {
    const cfg = goContainerConfig({ ...containerConfig, Hostname: '' });
    return createHash('sha256').update(`${parentId}\n${goJson(cfg)}`).digest('hex');
  }

  get(key: string, exists: (id: string) => boolean): string | undefined {
    const id = this.entries[key];
    if (id && exists(id)) return id;
    return undefined;
  }

  /** Records a step; written to disk by flush() (once per build, not once per step: each write fsyncs). */
  async set(key: string, imageId: string): Promise<void> {
    this.entries = { ...this.entries, [key]: imageId };
    this.dirty = true;
  }

  async flush(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    await writeJsonAtomic(this.file, this.entries);
  }

  imageIds(): string[] { return [...new Set(Object.values(this.entries))]; }

  async clear(keep: (id: string) => boolean = () => false): Promise<void> {
    this.entries = Object.fromEntries(Object.entries(this.entries).filter(([, id]) => keep(id)));
    this.dirty = false;
    await writeJsonAtomic(this.file, this.entries);
  }
}

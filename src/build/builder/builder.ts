// The builder's entry points for the daemon: build (context upload -> plan -> streamed steps) and prune.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { BuildCache } from './cache.js';
import { BuildRun, planBuild } from './build-run.js';
import { receiveContext } from './context.js';
import { BuildStepError } from './dispatch.js';
import type { BuildOptions, BuildPorts, Json } from './types.js';

/** A push-to-pull message queue: the build pushes, the HTTP response pulls. */
class Messages implements AsyncIterable<Json> {
  private readonly items: Json[] = [];
  private done = false;
  private wake?: () => void;
  push(m: Json): void { this.items.push(m); this.wake?.(); }
  end(): void { this.done = true; this.wake?.(); }
  async *[Symbol.asyncIterator](): AsyncIterator<Json> {
    for (;;) {
      while (this.items.length) yield this.items.shift()!;
      if (this.done) return;
      await new Promise<void>((r) => { this.wake = r; });
      this.wake = undefined;
    }
  }
}

export class Builder {
  private constructor(private readonly ports: BuildPorts, private readonly cache: BuildCache) {}

  static async open(ports: BuildPorts): Promise<Builder> {
    // Contexts and copies of builds a crash interrupted.
    await rm(join(ports.dataRoot, 'build', 'tmp'), { recursive: true, force: true });
    return new Builder(ports, await BuildCache.open(join(ports.dataRoot, 'build')));
  }

  /** Receives the context and plans the build (errors here are HTTP errors), then streams the steps. */
  async build(body: Readable, opts: BuildOptions, signal?: AbortSignal): Promise<AsyncIterable<Json>> {
    const ctx = await receiveContext(join(this.ports.dataRoot, 'build', 'tmp'), body, opts.dockerfile);
    let plan;
    try {
      plan = planBuild(ctx, opts);
    } catch (err) {
      await ctx.close();
      throw err;
    }
    const q = new Messages();
    // dockerd's postBuild with q=1: the whole output goes to a buffer; success sends only the image ID,
    // a failure sends the buffer and then the error (the docker CLI prints both to stderr).
    const quietBuf: Json[] = [];
    const run = new BuildRun(this.ports, this.cache, ctx, opts, plan, (m) => (opts.quiet ? quietBuf.push(m) : q.push(m)), signal);
    void run.run().then(
      (id) => { if (opts.quiet) q.push({ stream: `${id}\n` }); },
      (err: Error) => {
        for (const m of quietBuf) q.push(m);
        const code = err instanceof BuildStepError ? err.code : undefined;
        q.push({ errorDetail: code !== undefined ? { code, message: err.message } : { message: err.message }, error: err.message });
      },
    ).finally(async () => {
      await this.cache.flush().catch(() => undefined);
      // The client has all it needs once the cache is on disk; the context file goes after the reply ends.
      q.end();
      await ctx.close().catch(() => undefined);
    });
    return q;
  }

  /** POST /build/prune: forget cached steps and delete the intermediate images only the cache kept. */
  async prune(all: boolean): Promise<{ CachesDeleted: string[] | null; SpaceReclaimed: number }> {
    void all;
    const images = this.ports.images;
    const ids = new Set(this.cache.imageIds());
    await this.cache.clear();
    const deleted: string[] = [];
    let reclaimed = 0;
    let progress = true;
    while (progress) {
      progress = false;
      for (const rec of images.list()) {
        if (!ids.has(rec.id) || images.repoTags(rec.id).length > 0) continue;
        if (images.list().some((c) => c.meta.parent === rec.id)) continue;
        const before = new Map(this.ports.snapshots.listLayers().map((l) => [l.chainId, l.size]));
        try {
          const items = await images.remove(rec.id, { force: false, noPrune: true });
          for (const it of items) if (it.Deleted && before.has(it.Deleted)) reclaimed += before.get(it.Deleted)!;
        } catch { continue; }
        ids.delete(rec.id);
        deleted.push(rec.id.slice(7));
        progress = true;
      }
    }
    return { CachesDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
  }

  /** `system df`: the intermediate images the cache holds and their unique layer bytes. */
  usage(): { count: number; size: number } {
    const ids = this.cache.imageIds().filter((i) => this.ports.images.list().some((r) => r.id === i));
    return { count: ids.length, size: 0 };
  }
}

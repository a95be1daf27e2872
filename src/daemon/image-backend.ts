// The image half of the API Backend: translates API options into ImageStore calls and its records into
// Docker's JSON. Which containers use an image comes from the container manager (rmi/prune conflicts).
import { PassThrough } from 'node:stream';
import type { ImageBackend, JsonObject } from '../api/index.js';
import type { ContainerManager } from '../containers/index.js';
import { NotFound, NotImplemented, isNotFound } from '../errors.js';
import { filterImages, matchingRefs, type ContainerUse, type ImageStore } from '../images/index.js';

export interface ImageDeps { images: ImageStore; containers: ContainerManager }

/** Everything but the registry calls (daemon/registry-backend.ts). */
export function imageBackend(d: ImageDeps): Omit<ImageBackend, 'pullImage' | 'pushImage'> {
  const { images } = d;
  const users = (imageId: string): ContainerUse[] => d.containers.store.all()
    .filter((c) => c.Image === imageId)
    .map((c) => ({ id: c.Id, running: c.State.Status === 'running' || c.State.Status === 'paused' }));
  return {
    async listImages(opts) {
      const list = filterImages(images.list(), { all: opts.all, filters: opts.filters }, { tags: (id) => images.repoTags(id), resolve: (r) => images.get(r) });
      const refs = opts.filters.reference;
      return list.map((rec) => {
        const s = images.summary(rec);
        if (!refs?.length) return s;
        // A reference filter narrows the names listed to those it matches, as dockerd's Images does.
        const digests = matchingRefs((s.RepoDigests as string[] | null) ?? [], refs);
        return { ...s, RepoTags: matchingRefs(s.RepoTags as string[], refs), RepoDigests: digests.length ? digests : null };
      });
    },
    async inspectImage(name) {
      try {
        return images.inspect(images.get(name));
      } catch (err) {
        // GET /images/{name}/json wraps the lookup error: "no such image: x: No such image: x:latest".
        if (isNotFound(err)) throw new NotFound(`no such image: ${name}: ${(err as Error).message}`, { cause: err });
        throw err;
      }
    },
    async imageHistory(name) { return images.history(name); },
    async tagImage(name, repo, tag) { await images.tag(name, repo, tag); },
    async removeImage(name, opts) {
      await d.containers.settled(); // auto-removed containers still releasing their snapshots
      return (await images.remove(name, { force: opts.force, noPrune: opts.noprune, isUsed: users })) as JsonObject[];
    },
    async pruneImages(filters) {
      const all = filters.dangling?.[0] === 'false' || filters.dangling?.[0] === '0';
      const rest = { ...filters };
      delete rest.dangling;
      await d.containers.settled();
      return (await images.prune({ all, filters: rest, isUsed: users })) as unknown as JsonObject;
    },
    async importImage(opts, body) {
      if (opts.fromSrc !== '-') throw new NotImplemented('importing from a URL is not implemented yet');
      const rec = await images.importImage(body, { changes: opts.changes, message: opts.message, source: '-', repo: opts.repo, tag: opts.tag });
      return (async function* () { yield { status: rec.id }; })();
    },
    async loadImages(body, opts) {
      const { loaded } = await images.load(body);
      return (async function* () {
        for (const line of loaded) yield { stream: `${line}\n` };
        void opts;
      })();
    },
    async saveImages(names) {
      images.checkSave(names); // 404 before any byte is written
      const out = new PassThrough();
      images.save(names, out).catch((err: Error) => out.destroy(err));
      return out;
    },
    async commit(opts, body) {
      const rec = d.containers.store.get(opts.container);
      const config = Object.keys(body).length ? { ...rec.Config, ...body } : rec.Config;
      if (opts.pause && rec.State.Status === 'running') await d.containers.pause(rec.Id).catch(() => undefined);
      try {
        const img = await images.commit({
          containerId: rec.Id, config, parentImageId: rec.Image, author: opts.author, comment: opts.comment,
          changes: opts.changes, repo: opts.repo, tag: opts.tag,
        });
        return { Id: img.id };
      } finally {
        if (opts.pause && rec.State.Status === 'paused') await d.containers.unpause(rec.Id).catch(() => undefined);
      }
    },
  };
}

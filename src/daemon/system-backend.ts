// The system half of the API Backend: ping, version, info, df and events.
import type { SystemBackend } from '../api/index.js';
import { listContainers, type ContainerManager } from '../containers/index.js';
import { containerSummaries } from './container-backend.js';
import type { EventBus } from '../events/index.js';
import type { ImageStore } from '../images/index.js';
import { systemInfo, versionInfo, type EngineFacts } from './system-info.js';
import type { VolumeStore } from '../volumes/index.js';
import { volumeView } from './volume-backend.js';

export interface SystemDeps { facts: EngineFacts; containers: ContainerManager; images: ImageStore; events: EventBus; volumes: VolumeStore }

export function systemBackend(d: SystemDeps): SystemBackend {
  let listeners = 0;
  return {
    async ping() { /* serving requests is all a ping asks */ },
    async version() { return versionInfo(d.facts); },
    async info() {
      const all = d.containers.store.all();
      const count = (s: string) => all.filter((r) => r.State.Status === s).length;
      const images = (await d.images.list()).length;
      return systemInfo(d.facts, {
        containers: all.length, running: count('running'), paused: count('paused'),
        stopped: all.length - count('running') - count('paused'), images,
      }, listeners);
    },
    async df() {
      const snaps = d.images.snapshots;
      const images = await d.images.list();
      const all = d.containers.store.all();
      // Layers by chain ID, and how many images stand on each: SharedSize is the part of an image whose
      // layers another image also uses, LayersSize counts every layer once (dockerd's df).
      const chains = (chainId: string | undefined): string[] => {
        const out: string[] = [];
        for (let c = chainId; c; c = snaps.layer(c)?.parent) out.push(c);
        return out;
      };
      const users = new Map<string, number>();
      for (const img of images) for (const c of chains(img.chainId)) users.set(c, (users.get(c) ?? 0) + 1);
      const layerSize = (c: string): number => snaps.layer(c)?.size ?? 0;
      const imageViews = images.map((img) => {
        const summary = d.images.summary(img);
        const shared = chains(img.chainId).filter((c) => (users.get(c) ?? 0) > 1).reduce((n, c) => n + layerSize(c), 0);
        return { ...summary, Containers: all.filter((c) => c.Image === img.id).length, SharedSize: shared };
      });
      const list = listContainers(all, { all: true, resolve: (r) => d.containers.store.get(r), isAncestor: () => true });
      const containerViews = await containerSummaries({ containers: d.containers, images: d.images }, list, true);
      const layersSize = [...users.keys()].reduce((n, c) => n + layerSize(c), 0);
      // dockerd 20.10 sends BuildCache null when the builder has no cache records.
      const volumeViews = await Promise.all(d.volumes.list().map(async (v) => ({
        ...volumeView(v, d.volumes.dataPath(v.Name)),
        UsageData: { Size: await d.volumes.size(v.Name), RefCount: d.volumes.users(v.Name).length },
      })));
      return { LayersSize: layersSize, Images: imageViews, Containers: containerViews, Volumes: volumeViews, BuildCache: null, BuilderSize: 0 };
    },
    async *events(opts, ctx) {
      listeners++;
      try {
        yield* d.events.subscribe({ sinceNs: opts.sinceNs, untilNs: opts.untilNs, filters: opts.filters, signal: ctx.signal }) as AsyncIterable<Record<string, unknown>>;
      } finally {
        listeners--;
      }
    },
  };
}

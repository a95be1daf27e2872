// The system half of the API Backend: ping, version, info, df and events.
import type { SystemBackend } from '../api/index.js';
import type { ContainerManager } from '../containers/index.js';
import type { EventBus } from '../events/index.js';
import type { ImageStore } from '../images/index.js';
import { systemInfo, versionInfo, type EngineFacts } from './system-info.js';

export interface SystemDeps { facts: EngineFacts; containers: ContainerManager; images: ImageStore; events: EventBus }

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
      const snaps = d.containers.deps.snapshots;
      const images = await d.images.list();
      const containers = d.containers.store.all();
      const imageViews = await Promise.all(images.map(async (img) => {
        const summary = d.images.summary(img) as Record<string, unknown>;
        const used = containers.filter((c) => c.Image === img.id).length;
        return { ...summary, Containers: used, SharedSize: -1 };
      }));
      const containerViews = await Promise.all(containers.map(async (c) => ({
        Id: c.Id, Names: [c.Name], Image: c.Config.Image, ImageID: c.Image, Command: [c.Path, ...c.Args].join(' '),
        Created: Math.floor(Date.parse(c.Created) / 1000), Ports: [], SizeRw: await snaps.usage(c.Id).catch(() => 0),
        SizeRootFs: 0, Labels: c.Config.Labels ?? {}, State: c.State.Status, Status: '', HostConfig: { NetworkMode: c.HostConfig.NetworkMode },
        NetworkSettings: { Networks: {} }, Mounts: [],
      })));
      const layersSize = imageViews.reduce((n, i) => n + Number((i as Record<string, unknown>).Size ?? 0), 0);
      return { LayersSize: layersSize, Images: imageViews, Containers: containerViews, Volumes: [], BuildCache: [] };
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

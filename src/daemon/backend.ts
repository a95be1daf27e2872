// Assembles the API Backend from its halves. Each half only translates between the API's shapes and one
// subsystem; the behaviour lives in containers/, images/ and runtime/.
import type { Backend } from '../api/index.js';
import type { ContainerManager, ExecManager } from '../containers/index.js';
import { NotImplemented } from '../errors.js';
import type { EventBus } from '../events/index.js';
import type { ImageStore } from '../images/index.js';
import type { RegistryService } from '../registry/index.js';
import type { Runtime } from '../runtime/index.js';
import type { NetworkManager } from '../network/index.js';
import { networkBackend } from './network-backend.js';
import { containerBackend } from './container-backend.js';
import type { DaemonFlags } from './flags.js';
import { imageBackend } from './image-backend.js';
import { registryBackend } from './registry-backend.js';
import { systemBackend } from './system-backend.js';
import { volumeBackend } from './volume-backend.js';
import type { VolumeStore } from '../volumes/index.js';
import type { EngineFacts } from './system-info.js';

export interface BackendDeps {
  flags: DaemonFlags;
  facts: EngineFacts;
  events: EventBus;
  images: ImageStore;
  containers: ContainerManager;
  runtime: Runtime;
  execs: ExecManager;
  registry: RegistryService;
  volumes: VolumeStore;
  /** POST /build and /build/prune (build-backend.ts). */
  build?: Pick<Backend, 'build' | 'pruneBuildCache'>;
  network: NetworkManager;
}

export function createBackend(d: BackendDeps): Backend {
  return {
    ...systemBackend({ facts: d.facts, containers: d.containers, images: d.images, events: d.events, volumes: d.volumes }),
    ...containerBackend({ containers: d.containers, images: d.images, runtime: d.runtime }),
    ...imageBackend({ images: d.images, containers: d.containers }),
    ...registryBackend(d.registry),
    ...networkBackend(d.network, d.containers),
    ...volumeBackend(d.volumes),
    async pruneBuildCache() { return { CachesDeleted: null, SpaceReclaimed: 0 }; },
    ...d.build,
    async createExec(containerId, body) { return d.execs.create(containerId, body); },
    startExec(execId, opts) { return d.execs.start(execId, { detach: opts.detach, beforeRun: opts.beforeRun }); },
    async resizeExec(execId, opts) { await d.execs.resize(execId, opts.h, opts.w); },
    async inspectExec(execId) { return d.execs.inspect(execId); },
  };
}

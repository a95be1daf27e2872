// Assembles the API Backend from its halves. Each half only translates between the API's shapes and one
// subsystem; the behaviour lives in containers/, images/ and runtime/.
import type { Backend } from '../api/index.js';
import type { ContainerManager } from '../containers/index.js';
import { NotImplemented } from '../errors.js';
import type { EventBus } from '../events/index.js';
import type { ImageStore } from '../images/index.js';
import type { Runtime } from '../runtime/index.js';
import { builtinNetworks, noVolumes } from './builtin-networks.js';
import { containerBackend } from './container-backend.js';
import type { DaemonFlags } from './flags.js';
import { imageBackend } from './image-backend.js';
import { systemBackend } from './system-backend.js';
import type { EngineFacts } from './system-info.js';

export interface BackendDeps {
  flags: DaemonFlags;
  facts: EngineFacts;
  events: EventBus;
  images: ImageStore;
  containers: ContainerManager;
  runtime: Runtime;
}

export function createBackend(d: BackendDeps): Backend {
  const notYet = (what: string) => async (): Promise<never> => { throw new NotImplemented(`${what} is not implemented yet`); };
  return {
    ...systemBackend({ facts: d.facts, containers: d.containers, images: d.images, events: d.events }),
    ...containerBackend({ containers: d.containers, images: d.images, runtime: d.runtime }),
    ...imageBackend({ images: d.images, containers: d.containers }),
    ...builtinNetworks(),
    ...noVolumes(),
    // No builder yet (issue 5): an empty build cache, so `system prune` and `builder prune` work.
    async pruneBuildCache() { return { CachesDeleted: null, SpaceReclaimed: 0 }; },
    createExec: notYet('exec'),
    startExec: notYet('exec'),
    resizeExec: notYet('exec'),
    inspectExec: notYet('exec'),
  };
}

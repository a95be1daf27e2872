// The composition root: opens every subsystem under the data root, wires them together, reconciles
// containers with their monitors, and exposes the Backend the API server calls.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ContainerManager, ContainerStore } from '../containers/index.js';
import { EventBus } from '../events/index.js';
import { ImageStore } from '../images/index.js';
import { Runtime } from '../runtime/index.js';
import { Snapshotter } from '../snapshots/index.js';
import type { Backend } from '../api/index.js';
import { createBackend } from './backend.js';
import type { DaemonFlags } from './flags.js';
import { imagePort, snapshotPort, runtimePort } from './ports.js';

export interface Engine {
  backend: Backend;
  close(): Promise<void>;
}

export async function openEngine(flags: DaemonFlags): Promise<Engine> {
  await mkdir(flags.dataRoot, { recursive: true, mode: 0o711 });
  const events = new EventBus();
  const snapshots = await Snapshotter.open(flags.dataRoot);
  const images = await ImageStore.open(flags.dataRoot, {
    onEvent: (action: string, id: string, attributes: Record<string, string>) => events.publish('image', action, id, attributes),
  });
  const runtime = await Runtime.open({ dataRoot: flags.dataRoot, runtime: flags.runtime, debug: flags.debug });
  const store = await ContainerStore.open(join(flags.dataRoot, 'containers'));
  const containers = new ContainerManager({
    store,
    images: imagePort(images),
    snapshots: snapshotPort(snapshots),
    runtime: runtimePort(runtime),
    events,
    runtimeName: flags.runtime,
  });
  runtime.watchExits((id, status) => void containers.onExit(id, status));
  await containers.reconcile();
  const backend = createBackend({ flags, events, images, containers, runtime });
  return {
    backend,
    async close() { runtime.close?.(); },
  };
}

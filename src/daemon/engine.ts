// The composition root: opens every subsystem under the data root, wires them together, reconciles
// containers with their monitors, and exposes the Backend the API server calls.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ContainerManager, ContainerStore, ExecManager } from '../containers/index.js';
import { EventBus } from '../events/index.js';
import { ImageStore } from '../images/index.js';
import { Runtime } from '../runtime/index.js';
import { Snapshotter } from '../snapshots/index.js';
import type { Backend } from '../api/index.js';
import { createBackend } from './backend.js';
import type { DaemonFlags } from './flags.js';
import { run } from '../sys/index.js';

export interface Engine {
  backend: Backend;
  close(): Promise<void>;
}

export async function openEngine(flags: DaemonFlags): Promise<Engine> {
  await mkdir(flags.dataRoot, { recursive: true, mode: 0o711 });
  const events = new EventBus();
  const snapshots = await Snapshotter.open(flags.dataRoot);
  const images = await ImageStore.open(flags.dataRoot, {
    snapshotter: snapshots,
    onEvent: (action: string, id: string, attributes: Record<string, string>) => events.publish('image', action, id, attributes),
  });
  const runtime = await Runtime.open({ dataRoot: flags.dataRoot, runtime: flags.runtime, debug: flags.debug });
  const store = await ContainerStore.open(join(flags.dataRoot, 'containers'));
  const containers = new ContainerManager({
    store,
    images,
    snapshots,
    runtime,
    events,
    runtimeName: flags.runtime,
  });
  runtime.watchExits((id, status) => void containers.onExit(id, status));
  await containers.reconcile();
  const rv = await runtimeVersion(flags.runtime);
  const facts = { dataRoot: flags.dataRoot, runtime: flags.runtime, runtimeVersion: rv.version, runtimeCommit: rv.commit, debug: flags.debug };
  const execs = new ExecManager(containers, runtime);
  const backend = createBackend({ flags, facts, events, images, containers, runtime, execs });
  return {
    backend,
    async close() { runtime.close(); },
  };
}

/** "runc version 1.1.5+ds1\ncommit: 1.1.5+ds1-1+deb12u1" -> version and commit (shown by /version and /info). */
async function runtimeVersion(binary: string): Promise<{ version: string; commit: string }> {
  const r = await run([binary, '--version'], { allowFailure: true, timeout: 5000 }).catch(() => undefined);
  const out = r?.stdout ?? '';
  const version = /version\s+(\S+)/.exec(out)?.[1] ?? 'unknown';
  return { version, commit: /commit:\s+(\S+)/.exec(out)?.[1] ?? version };
}

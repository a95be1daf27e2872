// The composition root: opens every subsystem under the data root, wires them together, reconciles
// containers with their monitors, and exposes the Backend the API server calls.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ContainerManager, ContainerStore, ExecManager, volumeUsers, HealthMonitor } from '../containers/index.js';
import { EventBus } from '../events/index.js';
import { ImageStore } from '../images/index.js';
import { Runtime } from '../runtime/index.js';
import { Snapshotter } from '../snapshots/index.js';
import { NetworkManager } from '../network/index.js';
import type { Backend } from '../api/index.js';
import { RegistryService, type RegistrySettings } from '../registry/index.js';
import { createBackend } from './backend.js';
import { buildBackend } from './build-backend.js';
import { loadDaemonConfig, type DaemonConfig } from './daemon-config.js';
import type { DaemonFlags } from './flags.js';
import { run } from '../sys/index.js';
import { VolumeStore } from '../volumes/index.js';
import { initVersion } from './system-info.js';

export interface Engine {
  backend: Backend;
  close(): Promise<void>;
}

export async function openEngine(flags: DaemonFlags): Promise<Engine> {
  const config = loadDaemonConfig(flags, flags.configFileExplicit);
  await mkdir(flags.dataRoot, { recursive: true, mode: 0o711 });
  const events = new EventBus();
  const snapshots = await Snapshotter.open(flags.dataRoot);
  const images = await ImageStore.open(flags.dataRoot, {
    snapshotter: snapshots,
    onEvent: (action: string, id: string, attributes: Record<string, string>) => events.publish('image', action, id, attributes),
  });
  const registry = await RegistryService.open(images, registrySettings(flags, config));
  const runtime = await Runtime.open({ dataRoot: flags.dataRoot, runtime: flags.runtime, debug: flags.debug });
  const volumes = await VolumeStore.open(flags.dataRoot, { onEvent: (action, name, attrs) => events.publish('volume', action, name, attrs) });
  const network = await NetworkManager.open({
    dataRoot: flags.dataRoot, bridge: flags.bridge, bip: flags.bip,
    // WHARF_RESOLV_CONF: a test knob (no dockerd equivalent) standing in for the host's /etc/resolv.conf.
    resolvConf: process.env.WHARF_RESOLV_CONF || undefined,
    onEvent: (action, net, container) => events.publish('network', action, net.Id, { ...(container ? { container } : {}), name: net.Name, type: net.Driver }),
  });
  const store = await ContainerStore.open(join(flags.dataRoot, 'containers'));
  const containers = new ContainerManager({
    store,
    images,
    snapshots,
    runtime,
    events,
    runtimeName: flags.runtime,
    volumes,
    network,
  });
  volumes.setUsedBy((name) => volumeUsers(store.all(), name));
  containers.health = new HealthMonitor(containers, runtime);
  runtime.watchExits((id, status) => void containers.onExit(id, status));
  await containers.reconcile();
  for (const rec of store.all()) {
    if (rec.State.Status !== 'running' && rec.State.Status !== 'paused') continue;
    for (const mp of rec.MountPoints ?? []) if (mp.Type === 'volume') volumes.adopt(mp.Name, rec.Id);
  }
  const rv = await runtimeVersion(flags.runtime);
  const facts = { dataRoot: flags.dataRoot, runtime: flags.runtime, runtimeVersion: rv.version, runtimeCommit: rv.commit, debug: flags.debug, init: await initVersion() };
  const execs = new ExecManager(containers, runtime);
  const build = await buildBackend({ dataRoot: flags.dataRoot, images, snapshots, containers, registry });
  const backend = createBackend({ flags, facts, events, images, containers, runtime, execs, registry, volumes, build, network });
  return {
    backend,
    async close() { containers.shutdown(); runtime.close(); await network.close(); },
  };
}

/** "runc version 1.1.5+ds1\ncommit: 1.1.5+ds1-1+deb12u1" -> version and commit (shown by /version and /info). */
async function runtimeVersion(binary: string): Promise<{ version: string; commit: string }> {
  const r = await run([binary, '--version'], { allowFailure: true, timeout: 5000 }).catch(() => undefined);
  const out = r?.stdout ?? '';
  const version = /version\s+(\S+)/.exec(out)?.[1] ?? 'unknown';
  return { version, commit: /commit:\s+(\S+)/.exec(out)?.[1] ?? version };
}

/** Registry settings from flags and daemon.json (both lists add up, as in dockerd). */
function registrySettings(flags: DaemonFlags, config: DaemonConfig): Partial<RegistrySettings> {
  const env = process.env;
  const out: Partial<RegistrySettings> = {
    insecureRegistries: [...(config['insecure-registries'] ?? []), ...flags.insecureRegistries],
    mirrors: [...(config['registry-mirrors'] ?? []), ...flags.registryMirrors],
  };
  if (config['max-concurrent-downloads']) out.maxDownloads = config['max-concurrent-downloads'];
  if (config['max-concurrent-uploads']) out.maxUploads = config['max-concurrent-uploads'];
  if (config['max-download-attempts']) out.attempts = config['max-download-attempts'];
  // Test and tuning knobs (no dockerd equivalent): idle timeout and back-off base, in milliseconds.
  if (env.WHARF_REGISTRY_TIMEOUT_MS) out.timeoutMs = Number(env.WHARF_REGISTRY_TIMEOUT_MS);
  if (env.WHARF_REGISTRY_RETRY_BASE_MS) out.retryBaseMs = Number(env.WHARF_REGISTRY_RETRY_BASE_MS);
  return out;
}

// The container lifecycle: create, start, stop, kill, pause, rename, remove, wait, and reconciling with
// the monitors after a daemon restart. One async lock per container serialises state changes.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname as osHostname } from 'node:os';
import { Conflict, InvalidParameter, NotImplemented, NotModified, isConflict, isNotFound } from '../errors.js';
import type { EventBus } from '../events/index.js';
import { KeyedMutex } from '../store/index.js';
import { warn } from '../sys/index.js';
import type { ContainerStore } from './container-store.js';
import { commandOf, hostConfigOfBody, mergeConfig, netModeWarnings, normalizeHostConfig, validateNetMode, withRuntime } from './create-config.js';
import { generateId, generateName, validateName } from './names.js';
import type { ExitStatus, ImagePort, LogEntry, LogOptions, RuntimePort, SnapshotPort } from './ports.js';
import { startProcess } from './start.js';
import { PendingAttach, validDetachKeys, withReplay, type AttachOptions, type Attachment } from './attach.js';
import type { ContainerConfig, ContainerRecord, Status } from './types.js';
import { RestartManager, policyWantsRestart } from './restart-policy.js';
import type { HealthMonitor } from './health.js';
import { ZERO_TIME } from './types.js';
import type { VolumeStore } from '../volumes/index.js';
import { createVolumes, planMounts, releaseMounts, removeAnonymousVolumes } from './mounts.js';
import type { NetworkManager } from '../network/index.js';
import { recordLinks, removeLink } from './links.js';
import { resolvConf } from './etc-files.js';

export interface ManagerDeps {
  store: ContainerStore;
  images: ImagePort;
  snapshots: SnapshotPort;
  runtime: RuntimePort;
  events: EventBus;
  runtimeName: string;
  /** Volumes (absent in unit setups that need none). */
  volumes?: VolumeStore;
  /** Bridge networking (absent in unit tests: containers then share the host's network stack). */
  network?: NetworkManager;
}

type WaitCondition = 'not-running' | 'next-exit' | 'removed';

export class ContainerManager {
  readonly store: ContainerStore;
  private readonly locks = new KeyedMutex();
  private readonly listeners = new Map<string, Set<(rec: ContainerRecord, removed: boolean, exited: boolean) => void>>();
  private readonly waitingAttach = new Map<string, Set<PendingAttach>>();
  /** One per container that has run since the last manual start (restart-policy.ts). */
  private readonly restarts = new Map<string, RestartManager>();
  /** Auto-removed containers whose runtime state, mounts and network are still being released. */
  private readonly releasing = new Set<Promise<void>>();
  /** While reconcile() runs, exits found are recorded only: restart policies act once it is done. */
  private booting = false;
  private shuttingDown = false;
  /** Set by the daemon (it needs the exec runner): health probes of running containers. */
  health: HealthMonitor | undefined;

  constructor(readonly deps: ManagerDeps) { this.store = deps.store; }

  logPath(id: string): string { return join(this.store.dir(id), 'container.log'); }
  rootfs(id: string): string { return join(this.store.dir(id), 'rootfs'); }

  /** Publishes a container event with Docker's attributes (image, name, labels). */
  emit(rec: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
    this.deps.events.publish('container', action, rec.Id, { ...(rec.Config.Labels ?? {}), image: rec.Config.Image, name: rec.Name.slice(1), ...extra });
  }

  /** `exited`: the process ended (also when the container goes on to "restarting", as dockerd's waitStop). */
  private notify(rec: ContainerRecord, removed = false, exited = false): void {
    for (const fn of this.listeners.get(rec.Id) ?? []) fn(rec, removed, exited);
  }

  private restartManager(rec: ContainerRecord): RestartManager {
    let rm = this.restarts.get(rec.Id);
    if (!rm) { rm = new RestartManager(rec.HostConfig.RestartPolicy); this.restarts.set(rec.Id, rm); }
    return rm;
  }

  /** `docker update --restart`: the running manager follows the new policy (moby's UpdateRestartPolicy). */
  setRestartPolicy(rec: ContainerRecord, policy: { Name: string; MaximumRetryCount: number }): void {
    rec.HostConfig.RestartPolicy = policy;
    const rm = this.restarts.get(rec.Id);
    if (rm) rm.policy = policy;
  }

  /**
   * dockerd's killWithSignal: a kill with the stop signal (any signal when none is configured, and always
   * SIGKILL) means "exit on next": the restart policy will not bring it back; and the container counts as
   * manually stopped, which `unless-stopped` looks at.
   */
  private async markManualStop(rec: ContainerRecord, sig: string): Promise<void> {
    const stopSignal = rec.Config.StopSignal;
    if (!stopSignal || sig === 'SIGKILL' || normalizeSignal(stopSignal) === sig) this.restartManager(rec).cancel();
    if (this.shuttingDown) return;
    rec.HasBeenManuallyStopped = true;
    await this.store.save(rec).catch((err) => warn('containers', `save ${rec.Id}: ${err.message}`));
  }

  async create(name: string | undefined, body: Record<string, unknown>): Promise<{ Id: string; Warnings: string[] }> {
    const given = body as Partial<ContainerConfig> & { HostConfig?: Record<string, unknown> };
    if (!given.Image) throw new InvalidParameter('No image was specified'); // dockerd: "config cannot be empty"-style 400
    // dockerd validates the host config before it looks the image up.
    const hostConfig = normalizeHostConfig(hostConfigOfBody(body), this.deps.runtimeName);
    validateNetMode(given, hostConfig);
    // signal.ParseSignal at create: "Invalid signal: BOGUS" is a 400 then, not a failed stop later.
    if (given.StopSignal) normalizeSignal(given.StopSignal);
    const image = await this.deps.images.lookup(given.Image);
    const id = generateId();
    const config = mergeConfig(given, image.config, given.Image, id);
    // dockerd names a host-network container after the host unless --hostname says otherwise.
    if (hostConfig.NetworkMode === 'host' && !given.Hostname) config.Hostname = osHostname();
    const { path, args } = commandOf(config);
    const finalName = name ? validateName(name) : generateName((n) => this.store.nameTaken(n));
    hostConfig.Links = recordLinks(this.store, finalName, hostConfig.NetworkMode, hostConfig.Links as string[] | null);
    const mountPoints = planMounts({ Config: config, HostConfig: hostConfig }, (r) => this.store.get(r));
    this.store.reserveName(finalName, id);
    const rec: ContainerRecord = {
      Id: id, Created: new Date().toISOString().replace('Z', '000000Z').replace(/(\.\d{9})\d*Z$/, '$1Z'), Name: `/${finalName}`,
      Path: path, Args: args, Config: config, HostConfig: hostConfig, Image: image.id,
      State: { Status: 'created', Pid: 0, ExitCode: 0, Error: '', OOMKilled: false, StartedAt: ZERO_TIME, FinishedAt: ZERO_TIME },
      RestartCount: 0, HasBeenManuallyStopped: false, MountPoints: mountPoints,
    };
    try {
      // The snapshot, the volumes and the network attachment are independent (each its own file, fsynced):
      // side by side; the record, which refers to them, is written once they are all in place.
      const steps = await Promise.allSettled([
        mkdir(this.store.dir(id), { recursive: true, mode: 0o710 }).then(() => this.deps.snapshots.prepare(id, image.chainId, { init: true })),
        this.deps.volumes ? createVolumes(mountPoints, this.deps.volumes) : undefined,
        this.deps.network?.configure(id, hostConfig.NetworkMode, (body.NetworkingConfig as { EndpointsConfig?: Record<string, never> } | undefined)?.EndpointsConfig),
      ]);
      const failed = steps.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      await this.store.save(rec);
    } catch (err) {
      this.store.releaseName(rec.Name);
      await this.deps.snapshots.remove(id).catch(() => undefined);
      await this.deps.network?.forget(id).catch(() => undefined);
      await this.store.delete(rec).catch(() => undefined);
      throw err;
    }
    this.emit(rec, 'create');
    return { Id: id, Warnings: netModeWarnings(hostConfig) };
  }

  async start(ref: string): Promise<void> {
    await this.startContainer(this.store.get(ref), true);
  }

  /**
   * `reset`: a user's start (or the daemon's own at boot), which forgets the restart back-off and sets
   * RestartCount to 0 like dockerd's ResetRestartManager; without it, a restart policy's start.
   */
  private async startContainer(rec: ContainerRecord, reset: boolean): Promise<boolean> {
    let saved: Promise<void> | undefined;
    const started = await this.locks.run(rec.Id, async () => {
      if (rec.State.Status === 'paused') throw new Conflict('cannot start a paused container, try unpause instead');
      if (rec.State.Status === 'running' || (reset && rec.State.Status === 'restarting')) throw new NotModified();
      if (rec.State.Status === 'removing' || rec.State.Status === 'dead') throw new Conflict(`container is marked for removal and cannot be started`);
      // Stopped, killed or removed during the back-off.
      if (!reset && (rec.State.Status !== 'restarting' || this.restarts.get(rec.Id)?.isCanceled)) return false;
      if (reset) {
        this.restarts.get(rec.Id)?.cancel();
        this.restarts.delete(rec.Id);
        rec.RestartCount = 0;
        rec.HasBeenManuallyStopped = false;
      }
      rec.HostConfig = withRuntime(rec.HostConfig, this.deps.runtimeName);
      try {
        const pid = await startProcess(this, rec, () => this.connectWaiting(rec.Id));
        rec.State = { ...rec.State, Status: 'running', Pid: pid, ExitCode: 0, Error: '', OOMKilled: false, StartedAt: nowNano(), FinishedAt: rec.State.FinishedAt };
        this.health?.start(rec, true);
        // The "running" record is written (fsync) outside the lock: a process that exits at once is handled
        // meanwhile, and its record's next write still lands after this one (ContainerStore.save keeps the
        // order). The start is answered once it is on disk, as before.
        saved = this.store.save(rec);
        saved.catch(() => undefined);
        this.emit(rec, 'start');
        return true;
      } catch (err) {
        // Docker records the failure in State (exit 127/126/128) and leaves the container "created" or "exited".
        rec.State = { ...rec.State, Error: (err as Error).message, ExitCode: exitCodeFor((err as Error).message), Pid: 0 };
        if (rec.State.FinishedAt === ZERO_TIME && rec.State.StartedAt === ZERO_TIME) rec.State.Status = 'created';
        await this.cleanupAfterStop(rec);
        await this.store.save(rec);
        for (const p of this.waitingAttach.get(rec.Id) ?? []) p.close();
        this.waitingAttach.delete(rec.Id);
        throw err;
      }
    }).catch(async (err) => {
      // dockerd removes an AutoRemove container whose start failed (docker run --rm waits for that).
      if (rec.HostConfig.AutoRemove) await this.remove(rec.Id, { force: true }).catch(() => undefined);
      throw err;
    });
    this.notify(rec);
    await saved;
    return started;
  }

  private async connectWaiting(id: string): Promise<void> {
    const waiting = this.waitingAttach.get(id);
    this.waitingAttach.delete(id);
    for (const p of waiting ?? []) p.connect(await this.deps.runtime.attach(id, this.logPath(id)));
  }

  /** POST /containers/{id}/attach: live output (and stdin) now, or from the next start. */
  async attach(ref: string, opts: AttachOptions): Promise<Attachment> {
    const rec = this.store.get(ref);
    // dockerd names the container as the client did in these two.
    if (rec.State.Status === 'paused') throw new Conflict(`container ${ref} is paused, unpause the container before attach`);
    if (rec.State.Status === 'restarting') throw new Conflict(`container ${ref} is restarting, wait until the container is running`);
    if (opts.detachKeys) validDetachKeys(opts.detachKeys);
    const pending = new PendingAttach(opts, rec.Config.OpenStdin, rec.Config.StdinOnce, rec.Config.Tty);
    pending.onDetach = () => this.emit(rec, 'detach');
    // dockerd's containerAttach logs an "attach" event for every client that attaches (docker run included).
    this.emit(rec, 'attach');
    const replay = opts.logs ? this.deps.runtime.readLogs(this.logPath(rec.Id), { stdout: opts.stdout, stderr: opts.stderr }) : undefined;
    if (!opts.stream) pending.endNow();
    else if (rec.State.Status === 'running') pending.connect(await this.deps.runtime.attach(rec.Id, this.logPath(rec.Id)));
    else {
      const set = this.waitingAttach.get(rec.Id) ?? new Set();
      set.add(pending);
      this.waitingAttach.set(rec.Id, set);
    }
    return {
      tty: rec.Config.Tty,
      output: withReplay(replay, pending.output),
      pipeStdin: (input) => pending.pipeStdin(input),
      close: () => { this.waitingAttach.get(rec.Id)?.delete(pending); pending.close(); },
    };
  }

  /**
   * GET /containers/{id}/logs: the log as the container wrote it; follow ends when the container stops.
   * With `details`, each entry starts with the json-file attributes and a space, as `docker logs --details`.
   */
  logs(ref: string, opts: LogOptions & { details?: boolean }): { tty: boolean; entries: AsyncIterable<LogEntry> } {
    const rec = this.store.get(ref);
    // dockerd 20.10 reads every driver back through its local cache except "none": a 501.
    if (rec.HostConfig.LogConfig?.Type === 'none') throw new NotImplemented('configured logging driver does not support reading');
    const isRunning = () => { const r = this.store.find(rec.Id); return !!r && (r.State.Status === 'running' || r.State.Status === 'paused'); };
    const entries = this.deps.runtime.readLogs(this.logPath(rec.Id), { ...opts, isRunning });
    return { tty: rec.Config.Tty, entries: opts.details ? withDetails(entries, logDetails(rec)) : entries };
  }

  /** Called when a monitor reports an exit (live, or found after a daemon restart). */
  async onExit(id: string, status: ExitStatus): Promise<void> {
    const rec = this.store.find(id);
    if (!rec) return;
    // Under the lock: a fast process can exit before start() has recorded it as running.
    const applied = await this.locks.run(id, async () => {
      if (rec.State.Status !== 'running' && rec.State.Status !== 'paused') return undefined;
      const finishedAt = status.finishedAt || nowNano();
      const restart = !this.booting && this.restartManager(rec).shouldRestart(
        status.exitCode, this.shuttingDown || rec.HasBeenManuallyStopped, Date.parse(finishedAt) - Date.parse(rec.State.StartedAt));
      if (restart) rec.RestartCount++;
      this.health?.stop(rec);
      rec.State = { ...rec.State, Status: restart ? 'restarting' : 'exited', Pid: 0, ExitCode: status.exitCode, OOMKilled: status.oomKilled, FinishedAt: finishedAt };
      // dockerd's order: die, then the cleanup (network disconnect), then (auto-remove) destroy.
      if (status.oomKilled) this.emit(rec, 'oom');
      this.emit(rec, 'die', { exitCode: String(status.exitCode) });
      const deferred = !restart && rec.HostConfig.AutoRemove && cleanupDeferrable(rec);
      if (deferred) return { restart, deferred };
      await this.cleanupAfterStop(rec);
      // An auto-remove container is deleted next: its "exited" record need not reach the disk first (after a
      // crash in between, the daemon's start finds it "running" without a process and removes it then).
      if (restart || !rec.HostConfig.AutoRemove) await this.store.save(rec);
      return { restart, deferred };
    });
    if (!applied) return;
    if (applied.deferred) { await this.removeExited(rec); return; }
    this.notify(rec, false, true);
    if (applied.restart) { void this.restartAfterBackoff(rec); return; }
    if (rec.HostConfig.AutoRemove) {
      await this.remove(rec.Id, { force: true, volumes: true }).catch((err) => warn('containers', `auto-remove ${rec.Id}: ${err.message}`));
    }
  }

  /**
   * The removal of an auto-remove container that has just exited (and holds no volumes), with its slow
   * part off the path of `wait?condition=removed` (docker run --rm): the container leaves the store (its
   * name is free, it is no longer listed), its network sandbox leaves the network state (disconnect
   * events), "destroy" is published and waiters return; then, under the container's lock, runc's state,
   * the rootfs mount, the veths and namespace, the snapshot and the container's directory are released as
   * remove() would. Crash-safe: the record on disk still says "running" until that directory goes, and a
   * daemon start finds it without a process and removes it again (each step is idempotent). Image removal
   * waits for these releases (settled()), so a layer is never kept alive by a removed container.
   */
  private async removeExited(rec: ContainerRecord): Promise<void> {
    rec.State = { ...rec.State, Status: 'removing' };
    this.store.forget(rec);
    for (const p of this.waitingAttach.get(rec.Id) ?? []) p.close();
    this.waitingAttach.delete(rec.Id);
    this.restarts.delete(rec.Id);
    let released!: () => void;
    const disconnected = new Promise<void>((r) => { released = r; });
    const network = this.deps.network;
    const netDown = network ? network.teardown(rec.Id, released).catch((err) => warn('containers', `network teardown ${rec.Id}: ${err.message}`)) : undefined;
    void (netDown ?? Promise.resolve()).finally(released);
    let finish!: () => void;
    const done = new Promise<void>((r) => { finish = r; });
    this.releasing.add(done);
    void done.then(() => this.releasing.delete(done));
    await disconnected;
    // dockerd's order: die, disconnect, then what waited for the exit (stop's "stop" event), then destroy.
    this.notify(rec, false, true);
    // What the exit set off (stop's and kill's own events) comes first, as when the removal took longer.
    await new Promise((r) => setImmediate(r));
    this.emit(rec, 'destroy');
    this.notify(rec, true);
    // The rest starts once the waiters' answers are out: starting `runc delete` blocks the event loop a moment.
    setImmediate(() => {
      void this.locks.run(rec.Id, async () => {
        await Promise.all([
          this.deps.runtime.delete(rec.Id).catch((err) => { if (!isNotFound(err)) warn('containers', `runtime delete ${rec.Id}: ${err.message}`); }),
          this.deps.snapshots.remove(rec.Id).catch((err) => warn('containers', `remove snapshot ${rec.Id}: ${err.message}`)),
          netDown,
        ]);
        await network?.forget(rec.Id).catch((err) => warn('containers', `network cleanup ${rec.Id}: ${err.message}`));
        await this.store.delete(rec);
      }).catch((err) => warn('containers', `auto-remove ${rec.Id}: ${err.message}`)).finally(finish);
    });
  }

  /** Resolves once the releases of auto-removed containers started so far are done (see removeExited). */
  async settled(): Promise<void> {
    while (this.releasing.size) await Promise.all(this.releasing);
  }

  /** The restart policy's start once the back-off has passed; "exited" when it was cancelled or failed. */
  private async restartAfterBackoff(rec: ContainerRecord): Promise<void> {
    const go = await this.restartManager(rec).wait();
    if (this.shuttingDown) return; // still "restarting" on disk: the next daemon start decides
    if (go) {
      // Once started, a quick exit may already have put it back to "restarting": that is the next round's.
      try { if (await this.startContainer(rec, false)) return; } catch (err) { warn('containers', `restart ${rec.Id}: ${(err as Error).message}`); }
    }
    const stopped = await this.locks.run(rec.Id, async () => {
      if (rec.State.Status !== 'restarting' || !this.store.find(rec.Id)) return false;
      rec.State = { ...rec.State, Status: 'exited' };
      await this.store.save(rec);
      return true;
    });
    if (!stopped) return;
    this.notify(rec);
    if (rec.HostConfig.AutoRemove) await this.remove(rec.Id, { force: true, volumes: true }).catch(() => undefined);
  }

  /** Daemon shutdown: pending restarts are left to the next daemon start; containers keep running. */
  shutdown(): void {
    this.shuttingDown = true;
    this.health?.close();
    for (const rm of this.restarts.values()) rm.cancel();
  }

  /**
   * The three releases are independent (runc's state and cgroups, the host's mounts, the network sandbox)
   * and each is idempotent, so they run side by side: a stop costs the slowest of them, not their sum.
   */
  private async cleanupAfterStop(rec: ContainerRecord): Promise<void> {
    await Promise.all([
      this.deps.runtime.delete(rec.Id).catch((err) => { if (!isNotFound(err)) warn('containers', `runtime delete ${rec.Id}: ${err.message}`); }),
      (async () => {
        await this.deps.snapshots.unmount(rec.Id).catch((err) => warn('containers', `unmount ${rec.Id}: ${err.message}`));
        await releaseMounts(rec, this.deps.volumes);
      })(),
      this.deps.network?.teardown(rec.Id).catch((err) => warn('containers', `network teardown ${rec.Id}: ${err.message}`)),
    ]);
  }

  async kill(ref: string, signal = 'SIGKILL'): Promise<void> {
    const rec = this.store.get(ref);
    if (rec.State.Status !== 'running' && rec.State.Status !== 'paused' && rec.State.Status !== 'restarting') {
      throw new Conflict(`Cannot kill container: ${ref}: Container ${rec.Id} is not running`);
    }
    const sig = normalizeSignal(signal);
    await this.markManualStop(rec, sig);
    // dockerd: a restarting container has no process; cancelling its restart is the whole kill.
    if (rec.State.Status === 'restarting') return;
    // dockerd's kill with SIGKILL returns once the container is down (at most 10 s), so an inspect right after
    // it sees Running false and the exit code; other signals return at once.
    const exited = sig === 'SIGKILL' ? this.wait(rec.Id, 'not-running') : undefined;
    await this.killLogged(rec, sig);
    if (exited) await Promise.race([exited, sleep(10_000)]);
  }

  /**
   * Signals the container and logs "kill" under its lock, as dockerd does: the exit's "die" (also logged
   * under the lock) can only follow it, however fast the process dies.
   */
  private killLogged(rec: ContainerRecord, sig: string, opts: { evenIfFailed?: boolean } = {}): Promise<void> {
    return this.locks.run(rec.Id, async () => {
      // stop logs the kill even when the process was already gone, as dockerd's stop does.
      await this.deps.runtime.kill(rec.Id, sig).catch((err: unknown) => { if (!opts.evenIfFailed) throw err; });
      this.emit(rec, 'kill', { signal: String(signalNumber(sig)) });
    });
  }

  async stop(ref: string, timeout?: number): Promise<void> {
    const rec = this.store.get(ref);
    if (rec.State.Status !== 'running' && rec.State.Status !== 'paused' && rec.State.Status !== 'restarting') throw new NotModified();
    const t = timeout ?? rec.Config.StopTimeout ?? 10;
    const signal = normalizeSignal(rec.Config.StopSignal || 'SIGTERM');
    const exited = this.wait(rec.Id, 'not-running');
    await this.markManualStop(rec, signal);
    if (rec.State.Status === 'restarting') { await exited; this.emit(rec, 'stop'); return; }
    if (rec.State.Status === 'paused') await this.deps.runtime.resume(rec.Id).catch(() => undefined);
    if (t !== 0) await this.killLogged(rec, signal, { evenIfFailed: true });
    const done = t < 0 ? await exited.then(() => true) : await Promise.race([exited.then(() => true), sleep(t * 1000).then(() => false)]);
    if (!done) {
      await this.killLogged(rec, 'SIGKILL', { evenIfFailed: true });
      await exited;
    }
    this.emit(rec, 'stop');
  }

  async restart(ref: string, timeout?: number): Promise<void> {
    const rec = this.store.get(ref);
    if (rec.State.Status === 'running' || rec.State.Status === 'paused') await this.stop(rec.Id, timeout);
    await this.start(rec.Id);
    this.emit(rec, 'restart');
  }

  async pause(ref: string): Promise<void> {
    const rec = this.store.get(ref);
    if (rec.State.Status === 'paused') throw new Conflict(`Container ${rec.Id} is already paused`);
    if (rec.State.Status !== 'running') throw new Conflict(`Container ${rec.Id} is not running`);
    await this.deps.runtime.pause(rec.Id);
    await this.setStatus(rec, 'paused');
    this.emit(rec, 'pause');
  }

  async unpause(ref: string): Promise<void> {
    const rec = this.store.get(ref);
    if (rec.State.Status !== 'paused') throw new Conflict(`Container ${rec.Id} is not paused`);
    await this.deps.runtime.resume(rec.Id);
    await this.setStatus(rec, 'running');
    this.emit(rec, 'unpause');
  }

  private async setStatus(rec: ContainerRecord, status: Status): Promise<void> {
    rec.State = { ...rec.State, Status: status };
    await this.store.save(rec);
  }

  async rename(ref: string, newName: string): Promise<void> {
    const rec = this.store.get(ref);
    const name = validateName(newName);
    if (`/${name}` === rec.Name) throw new Conflict(`Renaming a container with the same name as its current name`);
    const old = rec.Name;
    // dockerd's ContainerRename wraps the name reservation's conflict: "Error when allocating new name: Conflict. ...".
    try { this.store.reserveName(name, rec.Id); } catch (err) {
      throw isConflict(err) ? new Conflict(`Error when allocating new name: ${(err as Error).message}`, { cause: err }) : err;
    }
    rec.Name = `/${name}`;
    await this.store.save(rec);
    this.store.releaseName(old);
    await this.deps.network?.renamed(rec.Id, name);
    this.emit(rec, 'rename', { oldName: old });
  }

  /**
   * A running container of the default bridge joined a user-defined network: like dockerd, its resolv.conf
   * now names the embedded server. Written in place: the container's bind mount follows the file's inode.
   */
  async useEmbeddedDns(ref: string): Promise<void> {
    const rec = this.store.get(ref);
    if (rec.State.Status !== 'running') return;
    const file = join(this.store.dir(rec.Id), 'resolv.conf');
    const host = (await this.deps.network?.dns.hostResolvConf()) ?? (await readFile('/etc/resolv.conf', 'utf8').catch(() => ''));
    const text = resolvConf(host, {
      hostname: rec.Config.Hostname, domainname: rec.Config.Domainname, networkMode: 'bridge', embeddedDns: true,
      dns: rec.HostConfig.Dns as string[], dnsSearch: rec.HostConfig.DnsSearch as string[], dnsOptions: rec.HostConfig.DnsOptions as string[],
    });
    const current = await readFile(file, 'utf8').catch(() => undefined);
    if (current !== undefined && current !== text) await writeFile(file, text);
  }

  /** DELETE ...?link=1: drops the legacy link `ref` ("parent/alias") from its parent. */
  async removeLink(ref: string): Promise<void> {
    await this.store.save(removeLink(this.store, ref));
  }

  async remove(ref: string, opts: { force?: boolean; volumes?: boolean }): Promise<void> {
    const rec = this.store.get(ref);
    if (rec.State.Status === 'removing') throw new Conflict(`removal of container ${rec.Id.slice(0, 12)} is already in progress`);
    if (rec.State.Status === 'running' || rec.State.Status === 'paused' || rec.State.Status === 'restarting') {
      if (!opts.force) {
        const what = rec.State.Status;
        throw new Conflict(`You cannot remove a ${what} container ${rec.Id}. ${what === 'paused' ? 'Unpause and then stop' : 'Stop'} the container before attempting removal or force remove`);
      }
      const exited = this.wait(rec.Id, 'not-running');
      await this.markManualStop(rec, 'SIGKILL');
      if (rec.State.Status !== 'restarting') await this.deps.runtime.kill(rec.Id, 'SIGKILL').catch(() => undefined);
      await Promise.race([exited, sleep(10_000)]);
    }
    await this.locks.run(rec.Id, async () => {
      // An exited or never-started container was already cleaned up when it stopped (onExit / failed start);
      // only a record left "running" (its exit not yet seen) still has runtime state and a mount.
      const stale = rec.State.Status !== 'exited' && rec.State.Status !== 'created';
      rec.State = { ...rec.State, Status: 'removing' };
      if (stale) await this.cleanupAfterStop(rec);
      await this.deps.snapshots.remove(rec.Id);
      await this.deps.network?.forget(rec.Id).catch((err) => warn('containers', `network cleanup ${rec.Id}: ${err.message}`));
      await this.store.delete(rec);
      if (opts.volumes) await removeAnonymousVolumes(rec, this.deps.volumes);
    });
    for (const p of this.waitingAttach.get(rec.Id) ?? []) p.close();
    this.waitingAttach.delete(rec.Id);
    this.restarts.delete(rec.Id);
    this.health?.stop(rec);
    this.emit(rec, 'destroy');
    this.notify(rec, true);
  }

  /** Resolves with the exit code when the condition holds (Docker's POST /containers/{id}/wait). */
  wait(ref: string, condition: WaitCondition = 'not-running', signal?: AbortSignal): Promise<{ StatusCode: number; Error?: { Message: string } | null }> {
    const rec = this.store.get(ref);
    const running = () => rec.State.Status === 'running' || rec.State.Status === 'paused' || rec.State.Status === 'restarting';
    if (condition === 'not-running' && !running()) return Promise.resolve({ StatusCode: rec.State.ExitCode, Error: null });
    return new Promise((resolve, reject) => {
      const set = this.listeners.get(rec.Id) ?? new Set();
      this.listeners.set(rec.Id, set);
      const done = (r: ContainerRecord, removed: boolean, exited: boolean) => {
        if (condition === 'removed' && !removed) return;
        if (condition !== 'removed' && running() && !removed && !exited) return;
        set.delete(done);
        resolve({ StatusCode: r.State.ExitCode, Error: null });
      };
      set.add(done);
      signal?.addEventListener('abort', () => { set.delete(done); reject(new Error('wait aborted')); });
    });
  }

  /** After a daemon restart: find exits that happened meanwhile; containers still running stay so. */
  async reconcile(): Promise<void> {
    this.booting = true;
    try {
      for (const rec of this.store.all()) {
        if (rec.State.Status === 'removing') { await this.remove(rec.Id, { force: true }).catch(() => undefined); continue; }
        // Waiting out a back-off when the daemon went away: stopped now; the policy decides below.
        if (rec.State.Status === 'restarting') { await this.setStatus(rec, 'exited'); continue; }
        if (rec.State.Status !== 'running' && rec.State.Status !== 'paused') continue;
        const status = await this.deps.runtime.exitStatus(rec.Id);
        if (status) { await this.onExit(rec.Id, status); continue; }
        const state = await this.deps.runtime.state(rec.Id).catch(() => undefined);
        if (!state || state.status === 'stopped') await this.onExit(rec.Id, { exitCode: 255, oomKilled: false, finishedAt: nowNano() });
        else this.health?.start(rec, false);
      }
    } finally {
      this.booting = false;
    }
    await this.restartAtBoot();
  }

  /**
   * dockerd's restore: every stopped container whose policy wants it is started (as a fresh start, so
   * RestartCount goes back to 0): `always` even after a manual stop, `unless-stopped` only if it was not
   * stopped by the user, `on-failure` after a non-zero exit.
   */
  private async restartAtBoot(): Promise<void> {
    const due = this.store.all().filter((rec) => (rec.State.Status === 'exited' || rec.State.Status === 'created') && !rec.HostConfig.AutoRemove
      && policyWantsRestart(rec.HostConfig.RestartPolicy, rec.State.ExitCode, rec.HasBeenManuallyStopped, 0));
    await Promise.all(due.map((rec) => this.start(rec.Id).catch((err) => warn('containers', `restart ${rec.Id} at daemon start: ${(err as Error).message}`))));
  }
}

/**
 * Whether an auto-remove container's release can follow the report of its removal (removeExited): not
 * when it holds volumes, whose in-use counts and anonymous copies must be gone when `docker run --rm` returns.
 */
function cleanupDeferrable(rec: ContainerRecord): boolean {
  return !(rec.MountPoints ?? []).some((mp) => mp.Type === 'volume');
}

/**
 * moby's attrsByteSlice over logger.Info.ExtraAttributes: the container labels named by --log-opt labels
 * (or matching labels-regex) and env vars named by env (or matching env-regex), sorted by key,
 * query-escaped, joined with ","; empty when no such log options are set.
 */
export function logDetails(rec: Pick<ContainerRecord, 'Config' | 'HostConfig'>): string {
  const cfg = rec.HostConfig.LogConfig?.Config ?? {};
  const extra: Record<string, string> = {};
  const labels = rec.Config.Labels ?? {};
  const env = new Map((rec.Config.Env ?? []).map((e) => [e.slice(0, e.indexOf('=') < 0 ? e.length : e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  const pick = (names: string | undefined, regex: string | undefined, from: Map<string, string>) => {
    for (const n of (names ?? '').split(',')) if (n && from.has(n)) extra[n] = from.get(n)!;
    if (regex) { const re = new RegExp(regex); for (const [k, v] of from) if (re.test(k)) extra[k] = v; }
  };
  pick(cfg.labels, cfg['labels-regex'], new Map(Object.entries(labels)));
  pick(cfg.env, cfg['env-regex'], env);
  const q = (s: string) => encodeURIComponent(s).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return Object.keys(extra).sort().map((k) => `${q(k)}=${q(extra[k]!)}`).join(',');
}

async function* withDetails(entries: AsyncIterable<LogEntry>, details: string): AsyncGenerator<LogEntry> {
  const prefix = Buffer.from(`${details} `);
  for await (const e of entries) yield { ...e, data: Buffer.concat([prefix, e.data]) };
}

export function nowNano(): string {
  const ms = Date.now();
  const ns = String(process.hrtime.bigint() % 1_000_000n).padStart(6, '0');
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, `.$1${ns}Z`);
}

function sleep(ms: number): Promise<void> { return new Promise((r) => setTimeout(r, ms).unref()); }

/** The exit code Docker records when the runtime could not start the process. */
export function exitCodeFor(message: string): number {
  if (/executable file not found|no such file or directory/.test(message)) return 127;
  if (/permission denied|is a directory|exec format error/i.test(message)) return 126;
  return 128;
}

const SIGNALS: Record<string, number> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9, SIGUSR1: 10,
  SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGSTKFLT: 16, SIGCHLD: 17, SIGCONT: 18, SIGSTOP: 19,
  SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25, SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28,
  SIGIO: 29, SIGPWR: 30, SIGSYS: 31,
};

/** Accepts "KILL", "SIGKILL", "9" like Docker; Docker's error text for anything else. */
export function normalizeSignal(sig: string): string {
  const s = sig.trim().toUpperCase();
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    const name = Object.keys(SIGNALS).find((k) => SIGNALS[k] === n);
    if (!name) throw new InvalidParameter(`Invalid signal: ${sig}`);
    return name;
  }
  const name = s.startsWith('SIG') ? s : `SIG${s}`;
  if (!(name in SIGNALS)) throw new InvalidParameter(`Invalid signal: ${sig}`);
  return name;
}

export function signalNumber(name: string): number { return SIGNALS[name] ?? 0; }

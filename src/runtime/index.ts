// runtime/: everything between "run this container with this config" and the kernel.
//
// Lifecycle of a container here: buildSpec() turns settings into an OCI spec -> create() writes
// <bundle>/config.json and starts conmon, which runs `runc create` (state "created", pid known) -> start()
// runs `runc start` ("running") -> the process exits, conmon writes the exit code to its exit files
// ("stopped"), and watchExits() reports it once -> delete() removes runc's state and conmon's files.
// conmon outlives the daemon, so after a restart state(id) finds a running container again through runc,
// and an exit that happened meanwhile is reported by the scan watchExits() does when it starts.
//
// On-disk layout under <dataRoot>/runtime: runc/ (runc --root), exits/<id> (conmon --exit-dir),
// c/<id>/ (conmon --persist-dir: exit, oom, pid, conmon.pid, oci-log, conmon.stderr, bundle).
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isNotFound, NotFound } from '../errors.js';
import { readLogs, type LogEntry, type LogOptions } from './logs.js';
import { attachTo, resizeConsole, type AttachHandle } from './attach.js';
import { ExitWatcher, type ExitCallback } from './exits.js';
import { conmonBinaries, conmonPid, createWithConmon, readExitStatus, type ExitStatus, type MonitorPaths } from './monitor.js';
import { buildSpec as buildOciSpec, type SpecOptions } from './oci/spec.js';
import { grantableCaps } from './oci/caps.js';
import { resolveUser, type ResolvedUser } from './oci/user.js';
import { Runc, type RuncState } from './runc.js';
import { execProcessSpec, runcExec, type ExecOptions, type ExecProcess } from './exec.js';
import { conmonExecTty, type TtyExecProcess } from './exec-tty.js';
import type { OciResources, OciSpec } from './oci/types.js';

export type { SpecOptions } from './oci/spec.js';
export type { OciSpec, OciMount, OciResources, OciDevice } from './oci/types.js';
export type { ResolvedUser } from './oci/user.js';
export type { ExitStatus } from './monitor.js';
export type { LogEntry, LogOptions } from './logs.js';
export type { AttachHandle, AttachOutput } from './attach.js';
export type { ExitCallback } from './exits.js';
export type { ExecOptions, ExecProcess } from './exec.js';
export type { TtyExecProcess } from './exec-tty.js';
export { conmonExecArgs } from './exec-tty.js';
export { DEFAULT_CAPS, ALL_CAPS } from './oci/caps.js';
export { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from './oci/spec.js';

export interface RuntimeOptions { dataRoot: string; runtime?: 'runc' | 'crun'; debug?: boolean }

export interface CreateOptions {
  bundleDir: string;
  spec: OciSpec | object;
  logPath: string;
  tty: boolean;
  openStdin: boolean;
  /** Bytes; conmon truncates the log beyond it (Docker's --log-opt max-size). */
  logMaxSize?: number;
}

export class Runtime {
  private readonly runc: Runc;
  private readonly exits: ExitWatcher;
  /** Host facts measured once per daemon and applied to every spec. */
  private readonly host: { grantableCaps: string[]; swapAccounting: boolean; cgroupV2: boolean };

  private constructor(private readonly paths: MonitorPaths, private readonly bins: { conmon: string; runtime: string }, private readonly debug: boolean) {
    this.runc = new Runc({ binary: bins.runtime, root: paths.runcRoot, debug });
    this.exits = new ExitWatcher(paths);
    const cgroupV2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
    this.host = {
      grantableCaps: grantableCaps(),
      cgroupV2,
      swapAccounting: cgroupV2 || existsSync('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes'),
    };
  }

  static async open(opts: RuntimeOptions): Promise<Runtime> {
    const root = join(opts.dataRoot, 'runtime');
    const paths: MonitorPaths = {
      runcRoot: join(root, opts.runtime ?? 'runc'),
      exitDir: join(root, 'exits'),
      socketDir: join(root, 'sock'),
      persistDir: (id: string) => join(root, 'c', id),
    };
    await Promise.all([paths.runcRoot, paths.exitDir, paths.socketDir, join(root, 'c')].map((d) => mkdir(d, { recursive: true, mode: 0o700 })));
    return new Runtime(paths, conmonBinaries(opts.runtime ?? 'runc'), opts.debug ?? false);
  }

  /** Docker 20.10's config.json for these settings, adjusted to this host (capabilities, swap, cgroupns). */
  buildSpec(opts: SpecOptions): OciSpec {
    return buildOciSpec({
      grantableCaps: this.host.grantableCaps,
      swapAccounting: this.host.swapAccounting,
      cgroupNs: this.host.cgroupV2,
      ...opts,
    });
  }

  resolveUser(rootfs: string, user: string): Promise<ResolvedUser> { return resolveUser(rootfs, user ?? ''); }

  /** Writes config.json and has conmon run `runc create`; rejects with runc's message (Docker's wording). */
  async create(id: string, o: CreateOptions): Promise<{ pid: number }> {
    await mkdir(o.bundleDir, { recursive: true });
    await writeFile(join(o.bundleDir, 'config.json'), JSON.stringify(o.spec));
    const dir = this.paths.persistDir(id);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'bundle'), o.bundleDir);
    return createWithConmon({ id, ...o, ...this.bins, debug: this.debug }, this.paths);
  }

  start(id: string): Promise<void> { return this.runc.start(id); }
  kill(id: string, signal: string): Promise<void> { return this.runc.kill(id, signal); }
  pause(id: string): Promise<void> { return this.runc.pause(id); }
  resume(id: string): Promise<void> { return this.runc.resume(id); }
  /**
   * Runs another process in a running container (docker exec): stdio over pipes from a foreground
   * `runc exec` (the fast path), or, with a terminal, under conmon's exec mode (see exec-tty.ts).
   */
  async exec(id: string, o: ExecOptions & { tty?: boolean }): Promise<ExecProcess | TtyExecProcess> {
    const dir = this.paths.persistDir(id);
    const bundle = await readFile(join(dir, 'bundle'), 'utf8').catch(() => undefined);
    if (!bundle) throw new NotFound(`No such container: ${id}`);
    const opts = { grantableCaps: this.host.grantableCaps, ...o };
    if (!o.tty) return runcExec(this.runc.g, id, bundle, dir, opts);
    const process = await execProcessSpec(bundle, opts);
    const execDir = join(dir, `exec-${randomBytes(6).toString('hex')}`);
    return conmonExecTty({ ...this.bins, runcRoot: this.paths.runcRoot, id, dir: execDir, process, debug: this.debug });
  }

  /** Host pids of the container's processes (docker top). */
  ps(id: string): Promise<number[]> { return this.runc.ps(id); }
  /** Live resource changes (docker update). */
  update(id: string, resources: Partial<OciResources>): Promise<void> { return this.runc.update(id, resources); }

  /** runc's view; undefined when runc has no such container. */
  async state(id: string): Promise<{ status: RuncState['status']; pid: number } | undefined> {
    const s = await this.runc.state(id);
    return s && { status: s.status, pid: s.pid };
  }

  exitStatus(id: string): Promise<ExitStatus | undefined> { return readExitStatus(this.paths, id); }

  /** Calls cb once per container exit, including exits that happened while the daemon was down. */
  watchExits(cb: ExitCallback): void { this.exits.add(cb); }

  /** Removes the container from runc (killing it if needed) and conmon's files. */
  async delete(id: string): Promise<void> {
    let missing = false;
    await this.runc.delete(id, true).catch((err) => { if (isNotFound(err)) missing = true; else throw err; });
    // A force-deleted running container makes conmon write its exit files afterwards; wait for conmon
    // to finish so they don't reappear after the cleanup below.
    for (let i = 0; i < 400 && (await conmonPid(this.paths, id)); i++) await new Promise((r) => setTimeout(r, 5));
    const dir = this.paths.persistDir(id);
    if (missing && !existsSync(dir)) throw new NotFound(`No such container: ${id}`);
    await rm(dir, { recursive: true, force: true });
    await rm(join(this.paths.exitDir, id), { force: true });
  }

  /** Connects to the container's stdio through conmon (works before start, so no output is missed). */
  /** Resizes the container's console through conmon's ctl fifo (no-op without a terminal). */
  async resize(id: string, height: number, width: number): Promise<void> {
    const bundle = await readFile(join(this.paths.persistDir(id), 'bundle'), 'utf8').catch(() => undefined);
    if (!bundle) throw new NotFound(`No such container: ${id}`);
    await resizeConsole(bundle, height, width);
  }

  /** `logPath`: the container's log, from which output conmon failed to deliver is made up at the end. */
  async attach(id: string, logPath?: string): Promise<AttachHandle> {
    const bundle = await readFile(join(this.paths.persistDir(id), 'bundle'), 'utf8').catch(() => undefined);
    if (!bundle) throw new NotFound(`No such container: ${id}`);
    return attachTo(bundle, logPath);
  }

  readLogs(logPath: string, opts: LogOptions): AsyncIterable<LogEntry> { return readLogs(logPath, opts); }

  /** Stops watching the exit dir (daemon shutdown); containers and their monitors keep running. */
  close(): void { this.exits.close(); }
}

// The per-container monitor: conmon. It outlives the daemon (it double-forks, so init adopts it), holds the
// container's stdio, writes stdout/stderr to a k8s-file log, serves the attach socket, and records the exit
// code in files, so exits survive a daemon restart. The daemon talks to it only through those files, the
// attach socket, the ctl fifo, and the two pipes used once at create time (_OCI_STARTPIPE: "go ahead";
// _OCI_SYNCPIPE: the container pid, or runc's error text), the way podman's libpod drives it.
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { InvalidParameter, SystemError } from '../errors.js';
import { start, which } from '../sys/index.js';
import { runcMessage } from './runc.js';

export interface MonitorPaths {
  /** conmon's --exit-dir: one file per container, named by id, holding the exit code. */
  exitDir: string;
  /** Per-container files: exit, oom, pid, conmon.pid, oci-log, bundle (the bundle dir's path). */
  persistDir(id: string): string;
  /** Where runc keeps its state (runc --root). */
  runcRoot: string;
  socketDir: string;
}

export interface ConmonOptions {
  id: string;
  bundleDir: string;
  logPath: string;
  tty: boolean;
  openStdin: boolean;
  logMaxSize?: number;
  conmon: string;
  runtime: string;
  debug?: boolean;
}

/** conmon's argv, as libpod's sharedConmonArgs builds it (pure; unit-tested). */
export function conmonArgs(o: ConmonOptions, p: MonitorPaths): string[] {
  const dir = p.persistDir(o.id);
  const args = [
    o.conmon, '--api-version', '1', '-c', o.id, '-u', o.id, '-r', o.runtime, '-b', o.bundleDir,
    '-p', join(dir, 'pid'), '-n', o.id, '--exit-dir', p.exitDir, '--persist-dir', dir,
    // The attach socket lives in the bundle; we connect through /proc/self/fd so its length never matters.
    '--full-attach', '--socket-dir-path', p.socketDir,
    '-l', `k8s-file:${o.logPath}`, '--log-level', o.debug ? 'debug' : 'error',
    '--conmon-pidfile', join(dir, 'conmon.pid'),
    '--runtime-arg', '--root', '--runtime-arg', p.runcRoot,
    '--runtime-arg', '--log-format=json', '--runtime-arg', '--log', '--runtime-arg', join(dir, 'oci-log'),
  ];
  if (o.logMaxSize && o.logMaxSize > 0) args.push('--log-size-max', String(o.logMaxSize));
  // -t and -i are exclusive in libpod: with a tty, stdin travels over the console.
  if (o.tty) args.push('-t');
  else if (o.openStdin) args.push('-i');
  return args;
}

/**
 * Docker's wording for a failed create, around runc's own message, e.g.
 * `failed to create shim task: OCI runtime create failed: runc create failed: unable to start container
 * process: exec: "nonexist": executable file not found in $PATH: unknown`. The kind follows moby's
 * translateContainerdStartErr: a missing or non-executable command is the caller's error (400), and the
 * CLI derives exit code 127/126 from the text.
 */
export function createError(runtimeMessage: string): Error {
  const msg = `failed to create shim task: OCI runtime create failed: ${runtimeMessage.trim()}: unknown`;
  const lower = msg.toLowerCase();
  if (/executable file not found|no such file or directory|permission denied|not a directory/.test(lower)) return new InvalidParameter(msg);
  return new SystemError(msg);
}

/** Reads one newline-terminated line from a stream, rejecting on timeout or EOF with nothing read. */
function readLine(stream: Readable, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const done = (err?: Error): void => {
      clearTimeout(timer);
      stream.removeAllListeners('data');
      stream.destroy();
      if (err && !buf) reject(err); else resolve(buf);
    };
    const timer = setTimeout(() => done(new SystemError('container creation timeout')), timeoutMs);
    stream.on('data', (b: Buffer) => {
      buf += b.toString('utf8');
      if (buf.includes('\n')) { buf = buf.slice(0, buf.indexOf('\n')); done(); }
    });
    stream.on('error', (e) => done(e));
    stream.on('end', () => done(new SystemError('conmon exited without reporting the container pid')));
  });
}

async function runtimeFailure(dir: string, syncMessage: string | undefined): Promise<string> {
  const log = await readFile(join(dir, 'oci-log'), 'utf8').catch(() => '');
  const fromLog = log.trim() ? runcMessage(log) : '';
  if (fromLog) return fromLog;
  if (syncMessage) return syncMessage;
  const stderr = await readFile(join(dir, 'conmon.stderr'), 'utf8').catch(() => '');
  return stderr.trim() || 'container create failed';
}

/** Starts conmon, which runs `runc create`; resolves with the container's pid once it exists. */
export async function createWithConmon(o: ConmonOptions, p: MonitorPaths, timeoutMs = 60_000): Promise<{ pid: number }> {
  const dir = p.persistDir(o.id);
  await mkdir(dir, { recursive: true });
  await Promise.all(['exit', 'oom', 'pid', 'oci-log', 'conmon.pid'].map((f) => rm(join(dir, f), { force: true })));
  await rm(join(p.exitDir, o.id), { force: true });
  // conmon's own stderr goes to a file: a pipe to us would outlive the daemon and break on restart.
  const errFd = openSync(join(dir, 'conmon.stderr'), 'w');
  let child;
  try {
    child = start(conmonArgs(o, p), {
      // conmon also drops an "oom" file in its working directory when the container is OOM-killed: keep
      // it in the container's own directory rather than wherever wharfd was started.
      cwd: dir,
      stdio: ['ignore', 'ignore', errFd, 'pipe', 'pipe'],
      env: { ...process.env, _OCI_SYNCPIPE: '3', _OCI_STARTPIPE: '4' },
    });
  } finally { closeSync(errFd); }
  child.on('error', () => { /* reported through the sync pipe's EOF */ });
  child.unref();
  const sync = child.stdio[3] as Readable;
  const startPipe = child.stdio[4] as Writable;
  startPipe.on('error', () => { /* conmon may already have exited */ });
  // Close our end once written: conmon keeps its end for its lifetime, and an open handle here would
  // keep the daemon's event loop (and this container's conmon) tied together.
  startPipe.end(Buffer.from([0]), () => startPipe.destroy());
  const line = await readLine(sync, timeoutMs).catch(async (err: Error) => {
    throw createError(await runtimeFailure(dir, err.message));
  });
  let info: { data?: number; message?: string };
  try { info = JSON.parse(line) as typeof info; } catch { throw createError(await runtimeFailure(dir, line)); }
  if (typeof info.data !== 'number' || info.data <= 0) throw createError(await runtimeFailure(dir, info.message));
  return { pid: info.data };
}

export interface ExitStatus { exitCode: number; oomKilled: boolean; finishedAt: string }

/** RFC 3339 with nanoseconds from a bigint ns timestamp, as Docker prints FinishedAt. */
export function nanoTime(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const frac = String(ns % 1_000_000_000n).padStart(9, '0');
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, `.${frac}Z`);
}

/** The exit conmon recorded for a container, or undefined while it runs (or was never started). */
export async function readExitStatus(p: MonitorPaths, id: string): Promise<ExitStatus | undefined> {
  const dir = p.persistDir(id);
  for (const file of [join(dir, 'exit'), join(p.exitDir, id)]) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (!/^-?\d+/.test(text.trim())) continue;
    const st = await stat(file, { bigint: true }).catch(() => undefined);
    if (!st) continue;
    const oomKilled = await stat(join(dir, 'oom')).then(() => true, () => false);
    return { exitCode: Number.parseInt(text.trim(), 10), oomKilled, finishedAt: nanoTime(st.mtimeNs) };
  }
  return undefined;
}

/** conmon's pid from its pid file, when that process is still alive (a zombie awaiting init's reaping is not). */
export async function conmonPid(p: MonitorPaths, id: string): Promise<number | undefined> {
  const pid = Number((await readFile(join(p.persistDir(id), 'conmon.pid'), 'utf8').catch(() => '')).trim());
  if (!pid) return undefined;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return stat.includes('(conmon)') && state !== 'Z' && state !== 'X' ? pid : undefined;
}

export function conmonBinaries(runtime: string): { conmon: string; runtime: string } {
  return { conmon: which('conmon'), runtime: which(runtime) };
}

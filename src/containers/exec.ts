// docker exec: exec instances live in memory (Docker keeps them until the container stops or is removed),
// each created against a running container and started at most once.
import { randomBytes } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { Conflict, NotFound, InvalidParameter, SystemError } from '../errors.js';
import { DEFAULT_DETACH_KEYS, detachKeyBytes, EscapeMatcher } from '../units/index.js';
import type { Attachment } from './attach.js';
import type { ContainerManager } from './manager.js';
import type { ExecRunner } from './ports.js';

interface ExecRecord {
  ID: string;
  ContainerID: string;
  Running: boolean;
  ExitCode: number | null;
  Pid: number;
  started: boolean;
  args: string[];
  env: string[];
  user: string;
  workingDir: string;
  privileged: boolean;
  tty: boolean;
  attachStdin: boolean;
  attachStdout: boolean;
  attachStderr: boolean;
  detachKeys: string;
  /** Set once the process was launched (start's checks passed earlier: `started`). */
  launched?: boolean;
  /** The running process's terminal resize, while it runs with a TTY. */
  resize?: (height: number, width: number) => Promise<void>;
}

/**
 * The command in exec_create/exec_start events: dockerd writes Entrypoint + " " + the joined Args, so a command
 * without arguments keeps a trailing space ("exec_create: true ").
 */
export function execEventText(args: readonly string[]): string {
  return `${args[0] ?? ''} ${args.slice(1).join(' ')}`;
}

export class ExecManager {
  private readonly execs = new Map<string, ExecRecord>();

  constructor(private readonly containers: ContainerManager, private readonly runner: ExecRunner) {}

  create(ref: string, body: Record<string, unknown>): { Id: string } {
    const rec = this.containers.store.get(ref);
    if (rec.State.Status === 'paused') throw new Conflict(`Container ${rec.Id} is paused, unpause the container before exec`);
    if (rec.State.Status !== 'running') throw new Conflict(`Container ${rec.Id} is not running`);
    const cmd = (body.Cmd as string[] | null | undefined) ?? [];
    if (!cmd.length) throw new InvalidParameter('No exec command specified');
    const keys = (body.DetachKeys as string | undefined) ?? '';
    // dockerd's ContainerExecCreate: an unparsable sequence is a plain (500) error with this wording.
    if (keys) try { detachKeyBytes(keys); } catch { throw new SystemError(`Invalid escape keys (${keys}) provided`); }
    const id = randomBytes(32).toString('hex');
    this.execs.set(id, {
      ID: id, ContainerID: rec.Id, Running: false, ExitCode: null, Pid: 0, started: false,
      args: cmd, env: (body.Env as string[] | null) ?? [], user: (body.User as string) ?? '', workingDir: (body.WorkingDir as string) ?? '',
      privileged: !!body.Privileged, tty: !!body.Tty, attachStdin: !!body.AttachStdin, attachStdout: !!body.AttachStdout,
      attachStderr: !!body.AttachStderr, detachKeys: (body.DetachKeys as string) ?? '',
    });
    this.containers.emit(rec, `exec_create: ${execEventText(cmd)}`, { execID: id });
    return { Id: id };
  }

  private get(id: string): ExecRecord {
    const e = this.execs.get(id);
    if (!e) throw new NotFound(`No such exec instance: ${id}`);
    return e;
  }

  /** Starts the process; undefined when detached, else the attachment whose output ends at exit. */
  async start(id: string, opts: { detach: boolean; beforeRun?: () => Promise<void> }): Promise<Attachment | undefined> {
    const e = this.get(id);
    if (e.started) throw new Conflict(`Error: Exec command ${id} has already run`);
    const rec = this.containers.store.get(e.ContainerID);
    if (rec.State.Status !== 'running') throw new Conflict(`Container ${rec.Id} is not running`);
    e.started = true;
    e.Running = true;
    // The client gone before its process started: nothing runs, the exec is over.
    try { await opts.beforeRun?.(); } catch (err) { e.Running = false; throw err; }
    const proc = await this.runner.exec(rec.Id, { args: e.args, env: e.env, cwd: e.workingDir, user: e.user, privileged: e.privileged, tty: e.tty });
    e.resize = proc.resize;
    e.launched = true;
    this.containers.emit(rec, `exec_start: ${execEventText(e.args)}`, { execID: e.ID });
    const output = new PassThrough({ objectMode: true });
    // Set when a TTY client typed the detach keys: its stream ends, the process runs on (dockerd).
    let detached = false;
    const emit = (stream: 'stdout' | 'stderr', data: Buffer, want: boolean) => { if (want && !opts.detach && !detached) output.write({ stream, data }); };
    // Until runc reports the process's pid, stderr can only be runc's own complaint (which dockerd never
    // shows: it reports the failure below instead), so it is held back and dropped if the start failed.
    let held: Buffer[] | undefined = [];
    const release = () => { for (const b of held ?? []) emit('stderr', b, e.attachStderr); held = undefined; };
    void proc.pid.then((pid) => { e.Pid = pid; if (pid) release(); });
    const streamsDone = Promise.all([proc.stdout, proc.stderr].map((s) => new Promise((r) => s.once('end', r))));
    proc.stdout.on('data', (b: Buffer) => emit('stdout', b, e.attachStdout));
    proc.stderr.on('data', (b: Buffer) => (held ? held.push(b) : emit('stderr', b, e.attachStderr)));
    if (!e.attachStdin) proc.stdin.end();
    const finished = proc.exit.then(async (code) => {
      const failure = await proc.startError;
      await streamsDone;
      if (failure) held = undefined; else release();
      // dockerd writes a start failure into the attached stream and records 126 (daemon/exec.go).
      if (failure && !opts.detach && !detached) output.write({ stream: 'stdout', data: Buffer.from(`${failure}\r\n`) });
      e.ExitCode = failure ? 126 : code;
      e.Running = false;
      e.resize = undefined;
      if (!output.writableEnded) output.end();
      this.containers.emit(rec, 'exec_die', { execID: e.ID, exitCode: String(e.ExitCode) });
    });
    if (opts.detach) { void finished; return undefined; }
    return {
      tty: e.tty,
      output: (async function* () {
        for await (const chunk of output) yield chunk as { stream: 'stdout' | 'stderr'; data: Buffer };
        if (!detached) await finished;
      })(),
      pipeStdin: (input: Readable) => {
        if (!e.attachStdin) { input.resume(); return; }
        if (!e.tty) { input.pipe(proc.stdin); return; }
        // As for container attach, dockerd watches a TTY exec's stdin for the detach keys.
        const matcher = new EscapeMatcher(detachKeyBytes(e.detachKeys || DEFAULT_DETACH_KEYS));
        input.on('data', (b: Buffer) => {
          if (detached) return;
          const r = matcher.push(b);
          if (r.data.length && !proc.stdin.write(r.data)) { input.pause(); proc.stdin.once('drain', () => input.resume()); }
          if (r.detach) { detached = true; output.end(); }
        });
        input.on('end', () => { if (!detached) proc.stdin.end(); });
      },
      close: () => { /* the process keeps running, as with docker exec -d after a client disconnect */ },
    };
  }

  /**
   * POST /exec/{id}/resize, as dockerd: it waits up to a second for the exec to start (then 500 "timeout
   * waiting for exec session ready"), and a finished exec is gone for it (404 "no such exec") though
   * inspect still shows it. Without a terminal there is nothing to resize.
   */
  async resize(id: string, height: number, width: number): Promise<void> {
    const e = this.get(id);
    // Ready once its process runs (the hijack reply goes out just before the process starts).
    const ready = () => e.launched || (e.started && !e.Running);
    for (let waited = 0; !ready() && waited < 1000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    if (!ready()) throw new SystemError('timeout waiting for exec session ready');
    if (!e.Running) throw new NotFound('no such exec');
    await e.resize?.(height, width);
  }

  inspect(id: string): Record<string, unknown> {
    const e = this.get(id);
    const processConfig: Record<string, unknown> = { tty: e.tty, entrypoint: e.args[0], arguments: e.args.slice(1), privileged: e.privileged };
    if (e.user) processConfig.user = e.user;
    return {
      ID: e.ID, Running: e.Running, ExitCode: e.ExitCode, ProcessConfig: processConfig, OpenStdin: e.attachStdin,
      OpenStderr: e.attachStderr, OpenStdout: e.attachStdout, CanRemove: false, ContainerID: e.ContainerID,
      DetachKeys: e.detachKeys, Pid: e.Pid,
    };
  }

  /** Docker forgets a container's exec instances when it stops or is removed. */
  forget(containerId: string): void {
    for (const [id, e] of this.execs) if (e.ContainerID === containerId && !e.Running) this.execs.delete(id);
  }
}

// Running an extra process in a container (docker exec) with `runc exec --process`: the process spec starts
// from the container's own (env, cwd, user, capabilities, rlimits) as Docker does, with the exec's args, env,
// workdir and user on top. runc stays in the foreground and relays the process's stdio over pipes, and its
// exit status is the process's. No terminal yet (`exec -t` needs a console socket).
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { InvalidParameter } from '../errors.js';
import { start } from '../sys/index.js';
import { ALL_CAPS } from './oci/caps.js';
import { resolveUser } from './oci/user.js';
import type { OciSpec } from './oci/types.js';
import { globalArgs, runcMessage, type RuncGlobal } from './runc.js';

export interface ExecOptions {
  args: string[];
  env?: string[];
  /** Absolute path; empty keeps the container's working directory. */
  cwd?: string;
  /** "", "uid", "name", "uid:gid", ...; empty keeps the container's user. */
  user?: string;
  privileged?: boolean;
  /** Capabilities the daemon may grant (for privileged). */
  grantableCaps?: readonly string[];
}

export interface ExecProcess {
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  /** Resolves with the process's exit code (128+signal when killed), as Docker reports it. */
  exit: Promise<number>;
  /** Resolves with the host pid once runc has started the process (0 if it never did). */
  pid: Promise<number>;
  /** Resolves with Docker's message when runc could not start the process ("OCI runtime exec failed: ..."). */
  startError: Promise<string | undefined>;
}

/** runc's own errors go to a log file so they never mix with the process's stderr. */
export const execArgs = (g: RuncGlobal, id: string, processFile: string, pidFile: string, logFile: string): string[] =>
  [g.binary, '--root', g.root, '--log', logFile, ...globalArgs(g).slice(3), 'exec', '--process', processFile, '--pid-file', pidFile, id];

/** Docker's exec env: the container's, with the exec's values replacing or added. */
function mergeEnv(base: string[], extra: string[]): string[] {
  const out = [...base];
  for (const kv of extra) {
    const key = kv.split('=', 1)[0];
    const i = out.findIndex((e) => e.split('=', 1)[0] === key);
    if (i >= 0) out[i] = kv; else out.push(kv);
  }
  return out;
}

export async function execProcessSpec(bundleDir: string, o: ExecOptions): Promise<OciSpec['process']> {
  const spec = JSON.parse(await readFile(join(bundleDir, 'config.json'), 'utf8')) as OciSpec;
  const base = spec.process!;
  const process = { ...base, terminal: false, args: o.args, env: mergeEnv(base.env ?? [], o.env ?? []) };
  if (o.cwd) {
    if (!o.cwd.startsWith('/')) throw new InvalidParameter(`the working directory '${o.cwd}' is invalid, it needs to be an absolute path`);
    process.cwd = o.cwd;
  }
  if (o.user) {
    const rootfs = spec.root!.path.startsWith('/') ? spec.root!.path : join(bundleDir, spec.root!.path);
    const u = await resolveUser(rootfs, o.user);
    process.user = { uid: u.uid, gid: u.gid, additionalGids: u.additionalGids };
  }
  if (o.privileged) {
    const caps = [...(o.grantableCaps ?? ALL_CAPS)];
    process.capabilities = { bounding: caps, effective: caps, permitted: caps };
  }
  return process;
}

export async function runcExec(g: RuncGlobal, id: string, bundleDir: string, workDir: string, o: ExecOptions): Promise<ExecProcess> {
  const process = await execProcessSpec(bundleDir, o);
  const tag = `${Date.now()}-${Math.random().toString(16).slice(2)}`;
  const processFile = join(workDir, `exec-${tag}.json`);
  const pidFile = join(workDir, `exec-${tag}.pid`);
  const logFile = join(workDir, `exec-${tag}.log`);
  await writeFile(processFile, JSON.stringify(process));
  const child = start(execArgs(g, id, processFile, pidFile, logFile), { stdio: ['pipe', 'pipe', 'pipe'], detached: false });
  const exit = new Promise<number>((resolve) => {
    child.once('error', () => resolve(126));
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 + (SIGNUMS[signal] ?? 0) : 0)));
  });
  // runc exits 255 with an error-level log line when the process could not be started at all.
  const startError = exit.then(async (code) => {
    if (code !== 255) return undefined;
    const msg = runcMessage(await readFile(logFile, 'utf8').catch(() => ''));
    return msg ? `OCI runtime exec failed: ${msg}: unknown` : undefined;
  });
  void startError.finally(() => { for (const f of [processFile, pidFile, logFile]) void rm(f, { force: true }); });
  const pid = (async () => {
    for (let i = 0; i < 200; i++) {
      const text = await readFile(pidFile, 'utf8').catch(() => '');
      if (text.trim()) return Number(text.trim());
      if (child.exitCode !== null) return 0;
      await new Promise((r) => setTimeout(r, 10));
    }
    return 0;
  })();
  return { stdin: child.stdin!, stdout: child.stdout!, stderr: child.stderr!, exit, pid, startError };
}

const SIGNUMS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15, SIGPIPE: 13 };

// The only importer of node:child_process. Argv arrays (never a shell), a timeout on every call, bounded
// output capture, failures thrown as one error type carrying argv, exit status and the stderr tail.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { SystemError } from '../errors.js';
import { debug } from './log.js';

export class ExecError extends SystemError {
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly stdout: string;
  constructor(argv: readonly string[], exitCode: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string) {
    const how = signal ? `signal ${signal}` : `exit status ${exitCode}`;
    super(`${argv[0]} failed (${how}): ${stderr.trim().split('\n').slice(-3).join(' ') || stdout.trim().slice(-300)}`);
    this.argv = argv;
    this.exitCode = exitCode;
    this.signal = signal;
    this.stdout = stdout;
    this.stderr = stderr;
  }
}

export interface RunOptions {
  /** Input written to the child's stdin, then closed. */
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Milliseconds; default 60 s. */
  timeout?: number;
  signal?: AbortSignal;
  /** Keep at most this many bytes of each stream (default 1 MiB). */
  maxOutput?: number;
  /** Extra file descriptors beyond stdio (index 3 onward). */
  extraFds?: SpawnOptions['stdio'];
}

export interface RunResult { stdout: string; stderr: string; exitCode: number }

const resolved = new Map<string, string>();

/** Resolves a binary on PATH once per process; throws SystemError naming the missing tool. */
export function which(name: string): string {
  if (name.includes('/')) return name;
  const hit = resolved.get(name);
  if (hit) return hit;
  const dirs = (process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter);
  for (const d of [...dirs, '/usr/sbin', '/sbin', '/usr/libexec/podman', '/usr/bin']) {
    const p = join(d, name);
    try { accessSync(p, constants.X_OK); resolved.set(name, p); return p; } catch { /* next */ }
  }
  throw new SystemError(`executable "${name}" not found in PATH; install it (see README)`);
}

function capped(max: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    push(b: Buffer) { if (size < max) { chunks.push(b); size += b.length; } },
    text() { return Buffer.concat(chunks).toString('utf8').slice(0, max); },
  };
}

/** Runs argv to completion; rejects with ExecError on non-zero exit unless allowFailure. */
export async function run(argv: readonly string[], opts: RunOptions & { allowFailure?: boolean } = {}): Promise<RunResult> {
  const bin = which(argv[0]!);
  const started = Date.now();
  const stdio: SpawnOptions['stdio'] = ['pipe', 'pipe', 'pipe', ...((opts.extraFds as unknown[] | undefined) ?? [])] as SpawnOptions['stdio'];
  const child = spawn(bin, argv.slice(1), { env: opts.env ?? process.env, cwd: opts.cwd, stdio, signal: opts.signal, timeout: opts.timeout ?? 60_000, killSignal: 'SIGKILL' });
  const out = capped(opts.maxOutput ?? 1 << 20);
  const err = capped(opts.maxOutput ?? 1 << 20);
  child.stdout!.on('data', (b: Buffer) => out.push(b));
  child.stderr!.on('data', (b: Buffer) => err.push(b));
  child.stdin!.on('error', () => { /* child may exit before reading */ });
  child.stdin!.end(opts.input ?? undefined);
  const [code, sig] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, s) => resolve([c, s]));
  });
  debug('exec', `${argv.join(' ')} -> ${sig ?? code} in ${Date.now() - started}ms`);
  const result = { stdout: out.text(), stderr: err.text(), exitCode: code ?? 128 };
  if ((code !== 0 || sig) && !opts.allowFailure) throw new ExecError(argv, code, sig, result.stdout, result.stderr);
  return result;
}

/** Starts a long-lived child in its own process group; the caller owns its lifecycle. */
export function start(argv: readonly string[], options: SpawnOptions = {}): ChildProcess {
  const bin = which(argv[0]!);
  debug('exec', `start ${argv.join(' ')}`);
  return spawn(bin, argv.slice(1), { detached: true, ...options });
}

// The runc CLI wrapper: one pure argv builder per verb (unit-tested without root) and one method per verb.
// runc runs with `--root <dataRoot>/runtime/runc`, so several daemons on one host never see each other's
// containers, and `--log-format json`, so failures are classified from runc's own message rather than by
// callers parsing stderr.
import { writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Conflict, NotFound, SystemError } from '../errors.js';
import { ExecError, run } from '../sys/index.js';
import type { OciResources } from './oci/types.js';

export interface RuncGlobal { binary: string; root: string; debug?: boolean }

/** What `runc state` prints (the OCI state plus runc's extras). */
export interface RuncState { id: string; pid: number; status: 'creating' | 'created' | 'running' | 'paused' | 'stopped'; bundle: string; created: string }

export function globalArgs(g: RuncGlobal): string[] {
  return [g.binary, '--root', g.root, '--log-format', 'json', ...(g.debug ? ['--debug'] : [])];
}
export const stateArgs = (g: RuncGlobal, id: string): string[] => [...globalArgs(g), 'state', id];
export const startArgs = (g: RuncGlobal, id: string): string[] => [...globalArgs(g), 'start', id];
export const killArgs = (g: RuncGlobal, id: string, signal: string, all = false): string[] =>
  [...globalArgs(g), 'kill', ...(all ? ['--all'] : []), id, signal.replace(/^SIG/, '')];
export const pauseArgs = (g: RuncGlobal, id: string): string[] => [...globalArgs(g), 'pause', id];
export const resumeArgs = (g: RuncGlobal, id: string): string[] => [...globalArgs(g), 'resume', id];
export const deleteArgs = (g: RuncGlobal, id: string, force = false): string[] => [...globalArgs(g), 'delete', ...(force ? ['--force'] : []), id];
export const psArgs = (g: RuncGlobal, id: string): string[] => [...globalArgs(g), 'ps', '--format', 'json', id];
export const updateArgs = (g: RuncGlobal, id: string, resourcesFile: string): string[] => [...globalArgs(g), 'update', '--resources', resourcesFile, id];

/** The message of runc's last error-level JSON log line, or the raw text when it is not JSON. */
export function runcMessage(stderr: string): string {
  let msg = '';
  for (const line of stderr.split('\n')) {
    if (!line.trim()) continue;
    try {
      const rec = JSON.parse(line) as { level?: string; msg?: string };
      if ((rec.level === 'error' || rec.level === 'fatal') && rec.msg) msg = rec.msg;
    } catch { msg = line.trim(); }
  }
  return msg || stderr.trim();
}

/** Turns runc's failure into an error kind: does not exist -> NotFound, wrong state -> Conflict. */
export function classify(id: string, message: string, cause?: unknown): Error {
  if (/does not exist|container not found/.test(message)) return new NotFound(`No such container: ${id}`, { cause });
  if (/not running|not paused|is paused|is not stopped|cannot (?:kill|pause|resume)/.test(message)) return new Conflict(message, { cause });
  return new SystemError(`runc: ${message}`, { cause });
}

export class Runc {
  constructor(readonly g: RuncGlobal) {}

  private async exec(id: string, argv: string[], timeout = 30_000): Promise<string> {
    try {
      return (await run(argv, { timeout })).stdout;
    } catch (err) {
      if (err instanceof ExecError) throw classify(id, runcMessage(err.stderr || err.stdout), err);
      throw err;
    }
  }

  /** undefined when runc has no such container. */
  async state(id: string): Promise<RuncState | undefined> {
    try {
      return JSON.parse(await this.exec(id, stateArgs(this.g, id))) as RuncState;
    } catch (err) {
      if (err instanceof NotFound) return undefined;
      throw err;
    }
  }
  async start(id: string): Promise<void> { await this.exec(id, startArgs(this.g, id)); }
  async kill(id: string, signal: string, all = false): Promise<void> { await this.exec(id, killArgs(this.g, id, signal, all)); }
  async pause(id: string): Promise<void> { await this.exec(id, pauseArgs(this.g, id)); }
  async resume(id: string): Promise<void> { await this.exec(id, resumeArgs(this.g, id)); }
  async delete(id: string, force = false): Promise<void> { await this.exec(id, deleteArgs(this.g, id, force)); }
  /** Host pids of every process in the container (for `docker top`). */
  async ps(id: string): Promise<number[]> { return JSON.parse(await this.exec(id, psArgs(this.g, id)) || '[]') as number[]; }

  async update(id: string, resources: Partial<OciResources>): Promise<void> {
    const file = join(tmpdir(), `wharf-update-${id}-${process.pid}-${Date.now()}.json`);
    await writeFile(file, JSON.stringify(resources));
    try { await this.exec(id, updateArgs(this.g, id, file)); } finally { await rm(file, { force: true }); }
  }
}

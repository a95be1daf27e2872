// What every command module exports, the context it runs in, and docker's argument-count checks.
// Commands never touch process.*: they write through ctx.io and return (or throw StatusError) an exit code.
import type { Readable, Writable } from 'node:stream';
import { isDaemonError, type Client } from '../client/index.js';
import type { FlagSpec, FlagValues } from './flags.js';

/**
 * The binary name printed where docker prints "docker" (usage lines, "See 'wharf run --help'."): "wharf",
 * or "docker" when the CLI was started under that name (a `docker` symlink to bin/wharf, which passes its
 * own name in WHARF_PROG), so scripts written for docker see docker's bytes. Set once by runCli.
 */
export let PROG = 'wharf';
export function setProg(name: string | undefined): void { PROG = name === 'docker' ? 'docker' : 'wharf'; }

export type ArgRule =
  | { kind: 'none' }
  | { kind: 'min'; n: number }
  | { kind: 'max'; n: number }
  | { kind: 'exact'; n: number }
  | { kind: 'range'; min: number; max: number };

export interface CommandSpec {
  /** Arguments part of cobra's Use ("[OPTIONS] CONTAINER [CONTAINER...]"). */
  use: string;
  short: string;
  flags: FlagSpec[];
  args?: ArgRule;
  /** false for run/create/exec: flags after the first positional belong to the container's command. */
  interspersed?: boolean;
  /** false where -h is taken by another flag (run/create: --hostname). */
  helpShort?: boolean;
}

export interface Output {
  out(data: string | Buffer): void;
  err(data: string | Buffer): void;
  /** The raw stdout stream, for piping binary data (save). */
  stdout: Writable;
  stdin: Readable;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  /** Progress bars (pull, push) are drawn when the stream they go to is a terminal; undefined = not. */
  stderrIsTTY?: boolean;
  /** Terminal width for progress bars (docker draws the bar only above 110 columns). */
  columns?: number;
  /** Puts the local terminal (stdin) in raw mode or back; absent when stdin is not a terminal. */
  setRawMode?(on: boolean): void;
  /** The output terminal's size (docker's Out().GetTtySize()); undefined when stdout is not a terminal. */
  ttySize?(): { height: number; width: number } | undefined;
}

export interface Ctx {
  io: Output;
  /** Connects lazily (and auto-starts wharfd when appropriate). */
  client(): Promise<Client>;
  /** "run" or "container ls": the path docker prints in "See 'docker run --help'.". */
  cmdPath: string;
  env: NodeJS.ProcessEnv;
  /** Registers a signal handler for the command's lifetime; returns the unregister function. */
  onSignal(signal: NodeJS.Signals, handler: () => void): () => void;
  /** Reads one line from stdin for a [y/N] prompt. */
  readLine(): Promise<string>;
  debug: boolean;
}

export interface Command {
  spec: CommandSpec;
  run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number | void>;
}

/** cli.StatusError: Status is printed (when non-empty) on stderr and the process exits with code. */
export class StatusError extends Error {
  constructor(readonly status: string, readonly code: number) { super(status); }
}

function plural(n: number): string { return n === 1 ? 'argument' : 'arguments'; }

/** docker/cli's cli/required.go messages. Returns the error text or undefined when the count is fine. */
export function checkArgs(rule: ArgRule | undefined, n: number, path: string, spec: CommandSpec): string | undefined {
  let msg: string | undefined;
  const name = `"${PROG} ${path}"`;
  switch (rule?.kind) {
    case undefined: return undefined;
    case 'none': if (n > 0) msg = `${name} accepts no arguments.`; break;
    case 'min': if (n < rule.n) msg = `${name} requires at least ${rule.n} ${plural(rule.n)}.`; break;
    case 'max': if (n > rule.n) msg = `${name} requires at most ${rule.n} ${plural(rule.n)}.`; break;
    case 'exact': if (n !== rule.n) msg = `${name} requires exactly ${rule.n} ${plural(rule.n)}.`; break;
    case 'range': if (n < rule.min || n > rule.max) msg = `${name} requires at least ${rule.min} and at most ${rule.max} ${plural(rule.max)}.`; break;
  }
  if (!msg) return undefined;
  return `${msg}\nSee '${PROG} ${path} --help'.\n\nUsage:  ${PROG} ${path} ${spec.use}\n\n${spec.short}`;
}

/** A command's --help text, docker's usage template. */
export function helpText(path: string, spec: CommandSpec, usages: string, aliases?: string[]): string {
  let s = `\nUsage:  ${PROG} ${path} ${spec.use}\n\n${spec.short}\n`;
  if (aliases && aliases.length > 1) s += `\nAliases:\n  ${aliases.join(', ')}\n`;
  if (usages.trim()) s += `\nOptions:\n${usages.replace(/\s+$/, '')}\n`;
  return s;
}

/** What a failure prints: daemon errors carry docker's "Error response from daemon: " prefix. */
export function errorText(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return isDaemonError(err) ? `Error response from daemon: ${msg}` : msg;
}

/** run/create's reportError: "docker: <msg>." plus, with help, "See 'docker run --help'.". */
export function reportError(ctx: Ctx, msg: string, withHelp: boolean): void {
  let s = `${msg.replace(/\.$/, '')}.`;
  if (withHelp) s += `\nSee '${PROG} ${ctx.cmdPath} --help'.`;
  ctx.io.err(`${PROG}: ${s}\n`);
}

/** runStartContainerErr: 127 for a missing executable, 126 for one that cannot run, else 125. */
export function startErrorCode(err: unknown): number {
  const msg = err instanceof Error ? err.message : String(err);
  if (/executable file not found|no such file or directory|system cannot find the file specified/.test(msg)) return 127;
  if (/permission denied|is a directory/.test(msg)) return 126;
  return 125;
}

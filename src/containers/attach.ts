// Attaching clients to a container's stdio (POST /containers/{id}/attach). A client may attach before the
// container starts (docker run attaches, then starts): such an attachment waits here and is connected to the
// monitor right after the runtime creates the container and before its process starts, so no output is
// lost. Output comes from the monitor's attach socket; `logs=1` replays the log first.
import { PassThrough, type Readable } from 'node:stream';
import { InvalidParameter } from '../errors.js';
import { DEFAULT_DETACH_KEYS, detachKeyBytes, EscapeMatcher } from '../units/index.js';
import type { AttachHandle, LogEntry } from './ports.js';

export interface AttachOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  /** Replay what is already in the log before live output. */
  logs: boolean;
  stream: boolean;
  /** The detach sequence (already validated); a TTY attachment's stdin is watched for it. */
  detachKeys?: string;
}

export interface Attachment {
  tty: boolean;
  /** { stream, data } entries; ends when the container's output ends. */
  output: AsyncIterable<{ stream: 'stdout' | 'stderr'; data: Buffer }>;
  /** Feeds the client's input to the container's stdin (when stdin was requested and the container has it open). */
  pipeStdin(input: Readable): void;
  close(): void;
}

/** One waiting or live attachment. */
export class PendingAttach {
  private handle?: AttachHandle;
  private input?: Readable;
  private closed = false;
  readonly output = new PassThrough({ objectMode: true });

  /** Called when the client typed the detach keys (dockerd logs a "detach" event). */
  onDetach?: () => void;

  constructor(readonly opts: AttachOptions, readonly openStdin: boolean, readonly stdinOnce: boolean, readonly tty = false) {}

  /** Connects to the monitor; called once the runtime has created the container. */
  connect(handle: AttachHandle): void {
    if (this.closed) { handle.close(); return; }
    this.handle = handle;
    handle.output.on('data', (e: { stream: 'stdout' | 'stderr'; data: Buffer }) => {
      if ((e.stream === 'stdout' && this.opts.stdout) || (e.stream === 'stderr' && this.opts.stderr)) this.output.write(e);
    });
    handle.output.on('end', () => this.output.end());
    handle.output.on('error', () => this.output.end());
    if (this.input) this.wireStdin(this.input);
  }

  pipeStdin(input: Readable): void {
    if (!this.opts.stdin || !this.openStdin) { input.resume(); return; }
    this.input = input;
    if (this.handle) this.wireStdin(input);
  }

  private wireStdin(input: Readable): void {
    const stdin = this.handle!.stdin;
    // dockerd watches for the detach keys only with a TTY (container/stream/attach.go copyEscapable):
    // the sequence ends this attachment and leaves the container and its stdin alone.
    const matcher = this.tty ? new EscapeMatcher(detachKeyBytes(this.opts.detachKeys || DEFAULT_DETACH_KEYS)) : undefined;
    // Reading the client no faster than the container takes its stdin, as dockerd's io.Copy does.
    const send = (data: Buffer): void => {
      if (!stdin.write(data)) { input.pause(); stdin.once('drain', () => input.resume()); }
    };
    input.on('data', (b: Buffer) => {
      if (this.closed) return;
      if (!matcher) { send(b); return; }
      const r = matcher.push(b);
      if (r.data.length) send(r.data);
      if (r.detach) { this.onDetach?.(); this.close(); }
    });
    // Docker closes the container's stdin when the client's input ends only for StdinOnce (docker run -i).
    input.on('end', () => { if (this.stdinOnce) stdin.end(); });
  }

  /** Ends the attachment without touching the container. */
  close(): void {
    this.closed = true;
    this.handle?.close();
    this.output.end();
  }

  /** For a container that is not running and never will be: replayed logs only. */
  endNow(): void { this.output.end(); }
}

/** dockerd rejects a detach sequence it cannot parse before attaching. */
export function validDetachKeys(keys: string): void {
  try { detachKeyBytes(keys); } catch { throw new InvalidParameter(`Invalid detach keys (${keys}) provided`); }
}

/** Prepends replayed log entries to the live output. */
export async function* withReplay(replay: AsyncIterable<LogEntry> | undefined, live: AsyncIterable<{ stream: 'stdout' | 'stderr'; data: Buffer }>): AsyncGenerator<{ stream: 'stdout' | 'stderr'; data: Buffer }> {
  if (replay) for await (const e of replay) yield { stream: e.stream, data: e.data };
  for await (const e of live) yield e as { stream: 'stdout' | 'stderr'; data: Buffer };
}

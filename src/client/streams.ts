// The two stream encodings the Engine API uses: stdcopy's multiplexed frames (8-byte header: stream byte,
// three zero bytes, big-endian uint32 length) for containers without a TTY, and newline-delimited JSON
// messages for progress (pull, push, load, build, events).
import type { Readable } from 'node:stream';

export type StreamKind = 0 | 1 | 2;
export type FrameHandler = (stream: StreamKind, payload: Buffer) => void;

/** Incremental stdcopy decoder: feed it chunks as they arrive; frames may span chunks. */
export class Demuxer {
  private pending: Buffer = Buffer.alloc(0);
  constructor(private readonly onFrame: FrameHandler) {}

  push(chunk: Buffer): void {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (buf.length >= 8) {
      const size = buf.readUInt32BE(4);
      if (buf.length < 8 + size) break;
      const kind = buf[0]!;
      if (size > 0) this.onFrame((kind <= 2 ? kind : 1) as StreamKind, buf.subarray(8, 8 + size));
      buf = buf.subarray(8 + size);
    }
    this.pending = Buffer.from(buf);
  }

  /** Bytes of an incomplete frame left when the stream ended. */
  get leftover(): number { return this.pending.length; }
}

/** Encodes one frame (the inverse of Demuxer; used by tests and fakes). */
export function muxFrame(stream: StreamKind, payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

export interface StreamSinks { stdout: (b: Buffer) => void; stderr: (b: Buffer) => void }

/** Copies a container stream to the sinks: demultiplexed when `tty` is false, raw to stdout when true. */
export async function copyContainerStream(src: Readable, tty: boolean, sinks: StreamSinks, head?: Buffer): Promise<void> {
  const demux = new Demuxer((kind, payload) => (kind === 2 ? sinks.stderr(payload) : sinks.stdout(payload)));
  const feed = (b: Buffer) => (tty ? sinks.stdout(b) : demux.push(b));
  if (head && head.length) feed(head);
  await new Promise<void>((resolve, reject) => {
    src.on('data', (b: Buffer) => feed(b));
    src.on('end', resolve);
    src.on('close', resolve);
    src.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? resolve() : reject(err)));
  });
}

export interface JsonMessage {
  id?: string;
  status?: string;
  stream?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { code?: number; message?: string };
  aux?: unknown;
  from?: string;
  time?: number;
  timeNano?: number;
  [key: string]: unknown;
}

/** Yields each JSON value of a newline-delimited stream as it arrives. */
export async function* jsonLines<T = JsonMessage>(src: Readable): AsyncGenerator<T> {
  let buf = '';
  for await (const chunk of src) {
    buf += (chunk as Buffer).toString('utf8');
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) yield JSON.parse(line) as T;
    }
  }
  if (buf.trim()) yield JSON.parse(buf) as T;
}

// Writing responses: JSON bodies, JSON-lines streams (progress, events, stats) with in-band errors, and
// docker's stdout/stderr multiplexing (an 8-byte header [stream, 0, 0, 0, uint32 BE size] per frame).
import type { ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import type { StreamChunk } from './backend.js';
import { progressError } from './errors.js';
import { goStringify } from './go-stringify.js';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = goStringify(body) + '\n';
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** 204 No Content and friends: no body, no Content-Type (docker's w.WriteHeader(http.StatusNoContent)). */
export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}

/** Writes and waits for 'drain' when the socket's buffer is full, so a slow client slows the producer. */
export async function writeAll(out: Writable, data: Buffer | string): Promise<void> {
  if (out.destroyed || out.writableEnded) throw new Error('connection closed');
  if (out.write(data)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (): void => { out.off('drain', done); out.off('close', closed); resolve(); };
    const closed = (): void => { out.off('drain', done); reject(new Error('connection closed')); };
    out.once('drain', done);
    out.once('close', closed);
  });
}

/** docker's stdcopy frame header. Stream ids: 0 stdin, 1 stdout, 2 stderr. */
export function frame(chunk: StreamChunk): Buffer {
  const header = Buffer.alloc(8);
  header[0] = chunk.stream === 'stderr' ? 2 : 1;
  header.writeUInt32BE(chunk.data.length, 4);
  return Buffer.concat([header, chunk.data]);
}

/** Raw bytes with a TTY, multiplexed frames without one. Resolves when the output ends. */
export async function pumpOutput(out: Writable, tty: boolean, output: AsyncIterable<StreamChunk>): Promise<void> {
  for await (const chunk of output) {
    if (chunk.data.length === 0) continue;
    await writeAll(out, tty ? chunk.data : frame(chunk));
  }
}

export interface JsonLinesOptions {
  /** docker's streamformatter ends progress messages with "\r\n"; events and stats use json.Encoder's "\n". */
  newline: '\r\n' | '\n';
  /**
   * Events: headers go out at once so `docker events` sees the stream open. Progress streams (pull, load,
   * import, build): headers wait for the first message, so a failure before it is a real HTTP error
   * (`docker pull nosuch` gets a 404), as dockerd's WriteFlusher does.
   */
  eagerHeaders: boolean;
  where: string;
}

function startJsonStream(res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders();
}

/**
 * Streams one JSON object per line, flushing each. An error thrown by the producer after the headers went
 * out is written in-band (progress streams: {"errorDetail":{"message"},"error"}) and the response ends.
 */
export async function streamJsonLines(res: ServerResponse, items: AsyncIterable<object>, opts: JsonLinesOptions): Promise<void> {
  if (opts.eagerHeaders) startJsonStream(res);
  const it = items[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await it.next(); // before the first message, a throw propagates: the caller answers with a status
      if (!res.headersSent) startJsonStream(res);
      if (next.done) break;
      await writeAll(res, goStringify(next.value) + opts.newline);
    }
  } catch (err) {
    if (!res.headersSent) throw err;
    await it.return?.().catch(() => undefined);
    if (res.destroyed) return; // the client went away: nothing to tell it
    if (opts.newline === '\r\n') res.write(goStringify(progressError(err, opts.where)) + opts.newline);
    else progressError(err, opts.where); // events and stats have no in-band error shape: log it and end
  }
  res.end();
}

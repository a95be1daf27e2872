// Writing responses: JSON bodies, JSON-lines streams (progress, events, stats) with in-band errors, and
// docker's stdout/stderr multiplexing (an 8-byte header [stream, 0, 0, 0, uint32 BE size] per frame).
import type { ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import type { StreamChunk } from './backend.js';
import { progressError } from './errors.js';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body) + '\n';
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
  where: string;
}

/**
 * Streams one JSON object per line, flushing each. Headers go out first (so clients see the stream start,
 * as `docker pull` and `docker events` expect); an error thrown by the producer afterwards is written in-band.
 */
export async function streamJsonLines(res: ServerResponse, items: AsyncIterable<object>, opts: JsonLinesOptions): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  try {
    for await (const item of items) await writeAll(res, JSON.stringify(item) + opts.newline);
  } catch (err) {
    if (res.destroyed) return; // the client went away: nothing to tell it
    if (opts.newline === '\r\n') res.write(JSON.stringify(progressError(err, opts.where)) + opts.newline);
    else progressError(err, opts.where); // events/stats have no in-band error shape: log and end
  }
  res.end();
}

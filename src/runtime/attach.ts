// Attaching to a container through conmon's SEQPACKET attach socket (in the bundle dir). Each packet conmon
// sends starts with one byte naming the stream (2 stdout, 3 stderr); what we write is the container's stdin,
// unframed. Ending stdin shuts down our write side; conmon then closes the container's stdin (it runs without
// --leave-stdin-open), which is how `docker run -i` delivers EOF to `cat`.
import { closeSync, constants, openSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { SystemError } from '../errors.js';
import { native } from '../sys/index.js';
import { EntryAssembler, parseRecord, type LogEntry } from './logs.js';

export interface AttachOutput { stream: 'stdout' | 'stderr'; data: Buffer }

export interface AttachHandle {
  /** The container's stdin; end() delivers EOF to the container. */
  stdin: Writable;
  /** Object-mode stream of what the container writes from now on. */
  output: Readable;
  resize(height: number, width: number): void;
  close(): void;
}

const STREAM_BY_BYTE: Record<number, 'stdout' | 'stderr'> = { 2: 'stdout', 3: 'stderr' };

interface PipeHandleCtor { new (type: number): { open(fd: number): number } }

/**
 * Wraps a connected SEQPACKET socket fd in a net.Socket. libuv's type guess rejects SEQPACKET sockets, so the
 * fd is opened as a libuv pipe handle directly: reads and writes go through epoll (no thread-pool thread is
 * held per attachment) and each read() returns exactly one packet.
 *
 * libuv reads such a handle as a byte stream, and a byte stream read that comes back short while the peer
 * has hung up means "nothing left" to it: it reports the end right there. A packet socket returns one packet
 * per read, always short, so when the peer (conmon) has written several packets and closed before we read
 * (a busy daemon, an exec that prints and exits at once), libuv reads the first one and reports the end with
 * the others still queued. So at the end the rest of the queue is read here, through a duplicate of the fd
 * (libuv closes its own), and delivered as data before the 'end' listeners run.
 */
export function socketFromFd(fd: number): Socket {
  const binding = (process as unknown as { binding(name: string): { Pipe: PipeHandleCtor; constants: { SOCKET: number } } }).binding('pipe_wrap');
  const handle = new binding.Pipe(binding.constants.SOCKET);
  let tail: number;
  try { tail = native.dupCloexec(fd); } catch (err) { closeSync(fd); throw err; }
  const rc = handle.open(fd);
  if (rc !== 0) { closeSync(fd); closeSync(tail); throw new SystemError(`attach: cannot open socket fd (${rc})`); }
  const sock = new Socket({ handle, readable: true, writable: true } as unknown as ConstructorParameters<typeof Socket>[0]);
  let open = true;
  const closeTail = (): void => { if (open) { open = false; closeSync(tail); } };
  const drainTail = (): void => {
    if (!open) return;
    try {
      for (let p = native.recvPacket(tail); p; p = native.recvPacket(tail)) sock.emit('data', p);
    } catch { /* the socket failed: what was read is all there is */ }
    closeTail();
  };
  sock.prependOnceListener('end', drainTail);
  // A peer that exits with some of our stdin unread resets the connection, and the kernel reports that
  // before the packets it had queued; stdin written after it left fails with EPIPE. Either way the packets
  // it queued are still there to read.
  sock.prependListener('error', (err: NodeJS.ErrnoException) => { if (peerGone(err)) drainTail(); });
  sock.once('close', closeTail);
  return sock;
}

function peerGone(err: NodeJS.ErrnoException): boolean {
  return err.code === 'ECONNRESET' || err.code === 'EPIPE';
}

/** conmon reads a stdin packet into a 32 KiB buffer (CONN_SOCK_BUF_SIZE) and the kernel drops the rest. */
const MAX_STDIN_PACKET = 32768;

/**
 * The container's stdin on the attach socket: every write becomes packets of at most MAX_STDIN_PACKET, sent
 * one after another. Writing to the socket directly, a 64 KiB chunk from the client lost its second half
 * inside conmon, and net.Socket's writev joined buffered chunks into one packet that the kernel refused
 * (EMSGSIZE), which ended the whole attachment.
 */
export function packetWriter(sock: Socket): Writable {
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      let at = 0;
      const next = (err?: Error | null): void => {
        if (err) { cb(err); return; }
        if (at >= chunk.length) { cb(); return; }
        const piece = chunk.subarray(at, at + MAX_STDIN_PACKET);
        at += piece.length;
        sock.write(piece, next);
      };
      next();
    },
    final(cb) { sock.end(); cb(); },
  });
  w.on('error', () => { /* the socket reports its own failure */ });
  return w;
}

/** Connects to <bundleDir>/attach via /proc/self/fd, so a long bundle path never hits the 108-byte limit. */
export function connectAttach(bundleDir: string): Socket {
  const dirFd = openSync(bundleDir, 'r');
  try {
    return socketFromFd(native.connectSeqpacket(`/proc/self/fd/${dirFd}/attach`));
  } finally {
    closeSync(dirFd);
  }
}

/**
 * `logPath`: the container's log, a second line of defence. conmon writes the log first and then every
 * attach socket it has accepted so far, so output written before conmon's main loop took our connection
 * reaches the log only. When conmon ends the stream (the container exited), whatever the log holds beyond
 * what came over the socket since we connected is delivered from the log, in the log's order. (Trailing
 * output lost under load used to be blamed on conmon dropping packets; it was libuv ending the read early,
 * see socketFromFd. conmon's accepted socket blocks when our queue is full, it does not drop.)
 */
export function attachTo(bundleDir: string, logPath?: string): AttachHandle {
  const logStart = logPath ? logOffset(logPath) : undefined;
  const sock = connectAttach(bundleDir);
  // conmon exiting with some of our stdin unread (or before our last write) ends the stream too.
  let reset = false;
  sock.on('error', (err: NodeJS.ErrnoException) => { if (peerGone(err)) reset = true; });
  const output = new Readable({ objectMode: true, read() { sock.resume(); } });
  const received = { stdout: 0, stderr: 0 };
  sock.on('data', (packet: Buffer) => {
    const stream = STREAM_BY_BYTE[packet[0]!];
    if (!stream || packet.length <= 1) return;
    received[stream] += packet.length - 1;
    if (!output.push({ stream, data: packet.subarray(1) } satisfies AttachOutput)) sock.pause();
  });
  let ending = false;
  const finish = (): void => {
    ending = true;
    if (!logPath || logStart === undefined) { output.push(null); return; }
    missingFromLog(logPath, logStart, received)
      .then((rest) => { for (const chunk of rest) output.push(chunk); }, () => undefined)
      .finally(() => { if (!output.readableEnded) output.push(null); });
  };
  sock.on('end', finish);
  sock.on('close', () => {
    if (ending || output.readableEnded) return;
    if (reset) finish(); else output.push(null);
  });
  return {
    stdin: packetWriter(sock),
    output,
    resize(height: number, width: number) { void resizeConsole(bundleDir, height, width); },
    close() { sock.destroy(); },
  };
}

/** Where the log's next record will start (a record cut at this offset is skipped when reading from it). */
function logOffset(logPath: string): number {
  return statSync(logPath, { throwIfNoEntry: false })?.size ?? 0;
}

const MAX_REFILL = 64 << 20;

/** The bytes of each stream the log holds past `received` (counted from `from`), as attach chunks. */
async function missingFromLog(logPath: string, from: number, received: { stdout: number; stderr: number }): Promise<AttachOutput[]> {
  const fh = await open(logPath, 'r').catch(() => undefined);
  if (!fh) return [];
  let body: Buffer;
  try {
    const size = (await fh.stat()).size;
    // Rotated or truncated meanwhile, or too much to re-read: nothing reliable to add.
    if (size < from || size - from > MAX_REFILL) return [];
    const start = from > 0 ? from - 1 : 0;
    const buf = Buffer.alloc(size - start);
    const { bytesRead } = await fh.read(buf, 0, buf.length, start);
    body = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  // A record cut at `from` (we connected while conmon was writing it) is skipped.
  if (from > 0) body = body[0] === 0x0a ? body.subarray(1) : body.subarray(body.indexOf(0x0a) + 1);
  const asm = new EntryAssembler();
  const entries: LogEntry[] = [];
  for (const line of splitLines(body)) {
    const rec = parseRecord(line);
    const e = rec && asm.push(rec);
    if (e) entries.push(e);
  }
  entries.push(...asm.flush());
  const left = { ...received };
  const out: AttachOutput[] = [];
  for (const e of entries) {
    const skip = Math.min(left[e.stream], e.data.length);
    left[e.stream] -= skip;
    if (skip < e.data.length) out.push({ stream: e.stream, data: e.data.subarray(skip) });
  }
  return out;
}

function splitLines(buf: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let at = 0;
  for (let nl = buf.indexOf(0x0a); nl >= 0; nl = buf.indexOf(0x0a, at)) { lines.push(buf.subarray(at, nl)); at = nl + 1; }
  return lines;
}

/** conmon's ctl fifo: "1 <height> <width>\n" resizes the console (libpod AttachResize). */
export async function resizeConsole(bundleDir: string, height: number, width: number): Promise<void> {
  // Non-blocking: opening a fifo nobody reads (conmon gone) fails with ENXIO instead of hanging.
  const fh = await open(join(bundleDir, 'ctl'), constants.O_WRONLY | constants.O_NONBLOCK).catch(() => undefined);
  if (!fh) return;
  try { await fh.write(`1 ${height} ${width}\n`); } finally { await fh.close(); }
}

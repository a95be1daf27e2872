// Attaching to a container through conmon's SEQPACKET attach socket (in the bundle dir). Each packet conmon
// sends starts with one byte naming the stream (2 stdout, 3 stderr); what we write is the container's stdin,
// unframed. Ending stdin shuts down our write side; conmon then closes the container's stdin (it runs without
// --leave-stdin-open), which is how `docker run -i` delivers EOF to `cat`.
import { closeSync, constants, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { SystemError } from '../errors.js';
import { native } from '../sys/index.js';

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
 * Wraps a connected socket fd in a net.Socket. libuv's type guess rejects SEQPACKET sockets, so the fd is
 * opened as a libuv pipe handle directly: reads and writes go through epoll (no thread-pool thread is held per
 * attachment) and each read() returns exactly one packet.
 */
function socketFromFd(fd: number): Socket {
  const binding = (process as unknown as { binding(name: string): { Pipe: PipeHandleCtor; constants: { SOCKET: number } } }).binding('pipe_wrap');
  const handle = new binding.Pipe(binding.constants.SOCKET);
  const rc = handle.open(fd);
  if (rc !== 0) { closeSync(fd); throw new SystemError(`attach: cannot open socket fd (${rc})`); }
  return new Socket({ handle, readable: true, writable: true } as unknown as ConstructorParameters<typeof Socket>[0]);
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

export function attachTo(bundleDir: string): AttachHandle {
  const sock = connectAttach(bundleDir);
  sock.on('error', () => { /* surfaced as the output stream ending */ });
  const output = new Readable({ objectMode: true, read() { sock.resume(); } });
  sock.on('data', (packet: Buffer) => {
    const stream = STREAM_BY_BYTE[packet[0]!];
    if (stream && packet.length > 1 && !output.push({ stream, data: packet.subarray(1) } satisfies AttachOutput)) sock.pause();
  });
  sock.on('end', () => output.push(null));
  sock.on('close', () => { if (!output.readableEnded) output.push(null); });
  return {
    stdin: sock,
    output,
    resize(height: number, width: number) { void resizeConsole(bundleDir, height, width); },
    close() { sock.destroy(); },
  };
}

/** conmon's ctl fifo: "1 <height> <width>\n" resizes the console (libpod AttachResize). */
export async function resizeConsole(bundleDir: string, height: number, width: number): Promise<void> {
  // Non-blocking: opening a fifo nobody reads (conmon gone) fails with ENXIO instead of hanging.
  const fh = await open(join(bundleDir, 'ctl'), constants.O_WRONLY | constants.O_NONBLOCK).catch(() => undefined);
  if (!fh) return;
  try { await fh.write(`1 ${height} ${width}\n`); } finally { await fh.close(); }
}

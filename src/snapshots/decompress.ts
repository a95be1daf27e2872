// Transparent decompression of layer and import streams, detected by magic bytes like Docker's
// archive.DecompressStream: gzip in-process (zlib), or for big streams through ISA-L's igzip when installed
// (dockerd uses unpigz the same way); bzip2/xz/zstd through the system tools (sys/exec). And the way back
// for push: gzip through igzip when installed, zlib otherwise.
import { PassThrough, Readable, pipeline } from 'node:stream';
import { constants as zlibConstants, createGunzip, createGzip, gunzipSync } from 'node:zlib';
import { InvalidParameter } from '../errors.js';
import { gunzipRaw } from './gunzip-raw.js';
import { start, which } from '../sys/index.js';

/** Gzip streams at least this big go through igzip: below it, starting a process costs more than it saves. */
const EXTERNAL_GZIP_MIN = 2 << 20;

let igzip: boolean | undefined;
/**
 * ISA-L's igzip inflates 3-6 times faster than zlib (100 MB of a pushed layer: 0.07 s against 0.38 s), and in
 * its own process, off the daemon's event loop. WHARF_DISABLE_IGZIP=1 keeps zlib (like MOBY_DISABLE_PIGZ).
 */
function haveIgzip(): boolean {
  if (igzip === undefined) {
    try { igzip = !process.env.WHARF_DISABLE_IGZIP && !!which('igzip'); } catch { igzip = false; }
  }
  return igzip;
}

export interface DecompressOptions {
  /** The compressed size when known (a registry blob's): big gzip streams are inflated by igzip. */
  size?: number;
}

export type Compression = 'none' | 'gzip' | 'bzip2' | 'xz' | 'zstd';

export function detectCompression(head: Buffer): Compression {
  if (head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08) return 'gzip';
  if (head.length >= 3 && head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  if (head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}

/** Returns a stream of the decompressed bytes of `input` (which is passed through when not compressed). */
export async function decompress(input: Readable, opts: DecompressOptions = {}): Promise<Readable> {
  const external = (opts.size ?? 0) >= EXTERNAL_GZIP_MIN && haveIgzip();
  const { head, stream } = await peek(input, external ? PROBE_BYTES : 6);
  const kind = detectCompression(head);
  if (kind === 'none') return stream;
  if (kind === 'gzip') {
    if (external && compresses(head)) return throughTool(stream, ['igzip', '-dc'], 'decompression');
    // A big one's output is verified by its diffID: gzip's own CRC-32 need not be computed as well.
    const raw = (opts.size ?? 0) >= EXTERNAL_GZIP_MIN ? gunzipRaw(stream, head) : undefined;
    if (raw) return raw;
    const gunzip = createGunzip({ chunkSize: 256 << 10 });
    pipeline(stream, gunzip, () => undefined);
    return gunzip;
  }
  return throughTool(stream, [kind === 'bzip2' ? 'bzip2' : kind === 'xz' ? 'xz' : 'zstd', '-dc'], 'decompression');
}

/** How much of a big gzip stream is inflated up front to see whether its data compresses. */
const PROBE_BYTES = 256 << 10;

/**
 * Whether the start of a gzip stream inflates to noticeably more than it is. Data that does not compress
 * (random bytes, archives of compressed files) is stored as is in the deflate stream, and zlib copies it at
 * memory speed in-process, where igzip would have the same bytes cross two pipes for nothing; igzip wins only
 * where there is real inflating to do.
 */
function compresses(head: Buffer): boolean {
  try {
    return gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH }).length > head.length * 1.2;
  } catch {
    return true; // corrupt or cut oddly: igzip reports it
  }
}

/**
 * Gzips `input` (`size`: its length when known). Big streams go through igzip at its level 3, which gives
 * about zlib level 6's ratio on binaries and text (100 MB of shared libraries: 35.1 MB against 31.9 MB) at 3-7
 * times its speed (0.6 s against 4.3 s; random data 300 MB: 1.6 s against 8.9 s), in its own process: a push
 * is no longer bound by the compressor, where dockerd's Go gzip bounds its own. Small ones use zlib.
 */
export function compressGzip(input: Readable, size = Infinity): Readable {
  if (size >= EXTERNAL_GZIP_MIN && haveIgzip()) return throughTool(input, ['igzip', '-3', '-c'], 'compression');
  const gzip = createGzip({ chunkSize: 256 << 10 });
  pipeline(input, gzip, () => undefined);
  return gzip;
}

/**
 * The first `n` bytes of `input` (fewer if it is shorter) and a stream of all of it. Reads chunk by chunk
 * ('data'): an async iterator would concatenate (copy) whatever is buffered at each step.
 */
async function peek(input: Readable, n: number): Promise<{ head: Buffer; stream: Readable }> {
  const parts: Buffer[] = [];
  let len = 0;
  let ended = false;
  while (len < n && !ended) {
    if (input.errored) throw input.errored;
    if (input.readableEnded) { ended = true; break; }
    const c = await new Promise<Buffer | null>((resolve, reject) => {
      const cleanup = () => { input.off('data', onData); input.off('end', onEnd); input.off('error', onError); };
      const onData = (b: Buffer | string) => { cleanup(); input.pause(); resolve(typeof b === 'string' ? Buffer.from(b) : b); };
      const onEnd = () => { cleanup(); resolve(null); };
      const onError = (err: Error) => { cleanup(); reject(err); };
      input.on('data', onData);
      input.once('end', onEnd);
      input.once('error', onError);
      input.resume(); // a stream paused by the previous round does not flow again on its own
    });
    if (c === null) ended = true;
    else { parts.push(c); len += c.length; }
  }
  // What was read goes first into a PassThrough the rest is piped into (pipe also ends it when `input`
  // already ended).
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  for (const p of parts) out.write(p);
  input.on('error', (err) => out.destroy(err));
  input.pipe(out);
  return { head: (parts.length === 1 ? parts[0]! : Buffer.concat(parts)).subarray(0, n), stream: out };
}

/**
 * Pipes through `argv` (a filter from stdin to stdout); the output ends only after the tool exited 0, so
 * corrupt input is an error. `-dc`: igzip accepts it like gzip (and, as unpigz, ignores trailing garbage;
 * the diffID covers the output).
 */
function throughTool(input: Readable, argv: string[], what: string): Readable {
  const tool = argv[0]!;
  const child = start(argv, { stdio: ['pipe', 'pipe', 'pipe'] });
  const out = new PassThrough();
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => { if (stderr.length < 4096) stderr += b.toString(); });
  child.stdin!.on('error', () => undefined);
  // A failing input must fail the output: the tool would take the early EOF for the end of the data.
  pipeline(input, child.stdin!, (err) => { if (err) out.destroy(err); });
  child.stdout!.pipe(out, { end: false });
  child.on('error', (err) => out.destroy(err));
  child.on('close', (code) => {
    if (code === 0) out.end();
    else out.destroy(new InvalidParameter(`${tool} ${what} failed: ${stderr.trim() || `exit status ${code}`}`));
  });
  out.on('close', () => { if (child.exitCode === null) child.kill('SIGKILL'); });
  return out;
}

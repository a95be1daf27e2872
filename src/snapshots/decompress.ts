// Transparent decompression of layer and import streams, detected by magic bytes like Docker's
// archive.DecompressStream: gzip in-process (zlib), bzip2/xz/zstd through the system tools (sys/exec).
import { PassThrough, Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InvalidParameter } from '../errors.js';
import { start } from '../sys/index.js';

export type Compression = 'none' | 'gzip' | 'bzip2' | 'xz' | 'zstd';

export function detectCompression(head: Buffer): Compression {
  if (head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08) return 'gzip';
  if (head.length >= 3 && head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  if (head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}

/** Returns a stream of the decompressed bytes of `input` (which is passed through when not compressed). */
export async function decompress(input: Readable): Promise<Readable> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let head = Buffer.alloc(0);
  let ended = false;
  while (head.length < 6) {
    const r = await it.next();
    if (r.done) { ended = true; break; }
    head = Buffer.concat([head, Buffer.from(r.value)]);
  }
  const rest = Readable.from((async function* () {
    if (head.length > 0) yield head;
    while (!ended) {
      const r = await it.next();
      if (r.done) return;
      yield Buffer.from(r.value);
    }
  })(), { objectMode: false });
  const kind = detectCompression(head);
  if (kind === 'none') return rest;
  if (kind === 'gzip') {
    const gunzip = createGunzip();
    pipeline(rest, gunzip, () => undefined);
    return gunzip;
  }
  return throughTool(rest, kind === 'bzip2' ? 'bzip2' : kind === 'xz' ? 'xz' : 'zstd');
}

/** Pipes through `<tool> -dc`; the output ends only after the tool exited 0, so corrupt input is an error. */
function throughTool(input: Readable, tool: string): Readable {
  const child = start([tool, '-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out = new PassThrough();
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => { if (stderr.length < 4096) stderr += b.toString(); });
  child.stdin!.on('error', () => undefined);
  pipeline(input, child.stdin!, () => undefined);
  child.stdout!.pipe(out, { end: false });
  child.on('error', (err) => out.destroy(err));
  child.on('close', (code) => {
    if (code === 0) out.end();
    else out.destroy(new InvalidParameter(`${tool} decompression failed: ${stderr.trim() || `exit status ${code}`}`));
  });
  out.on('close', () => { if (child.exitCode === null) child.kill('SIGKILL'); });
  return out;
}

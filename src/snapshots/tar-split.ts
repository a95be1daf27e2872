// tar-split: how a pulled layer keeps its exact tar without storing it twice (dockerd keeps the same kind of
// record). While a layer tar is unpacked, every byte of it is either part of a regular file's contents,
// which the unpacker just wrote into the layer, or something else (headers, extension records, padding, the
// end marker, whatever follows it), which is kept verbatim. The record lists both in order: raw bytes, and
// references to unpacked files by path and length. Reading it back yields the original tar byte for byte
// (the caller checks the result against the layer's diffID).
//
// File layout (<layer>/tar-split): MAGIC, then records: 'R' u32 length + bytes | 'F' u32 path index + u48
// length; then a JSON trailer {"size": tar bytes, "paths": [paths relative to the layer dir]}, its u32
// length and TRAILER_MARK. A file without the trailer is incomplete (never published: the unpacker writes
// it inside the staged layer dir before the layer is renamed into place).
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { access, mkdir, open, rename, type FileHandle } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { InvalidParameter } from '../errors.js';
import { fsyncDir, writevAll } from '../store/index.js';

export const TAR_SPLIT_FILE = 'tar-split';
/** Files an unpack would have removed (a later entry replaced them) while the record still refers to them. */
const SHADOW_DIR = 'tar-split-shadow';
const MAGIC = Buffer.from('wharf-tar-split 1\n');
const TRAILER_MARK = Buffer.from('TSPL');
/** Bytes not yet known to be raw are held at most this long; beyond it they are kept raw (always correct). */
const HOLD_LIMIT = 16 << 20;
const FLUSH_AT = 1 << 20;

interface Ref { start: number; end: number; path: number; emitted: boolean }

/** Builds a layer's tar-split while the unpacker works: tap() sees every tar byte, file() each file it wrote. */
export class TarSplitWriter {
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** Bytes of the tar accounted for (written raw or referenced); the held bytes start here. */
  private pos = 0;
  private tapped = 0;
  private readonly refs: Ref[] = [];
  /** Paths relative to the layer dir, by index; the index a path currently has, and each ancestor dir's count. */
  private readonly paths: string[] = [];
  private readonly byPath = new Map<string, number>();
  private readonly dirs = new Map<string, number>();
  private shadows = 0;
  private out: Buffer[] = [];
  private outBytes = 0;
  private writing: Promise<void> = Promise.resolve();
  private failed?: Error;
  private finished = false;

  private constructor(private readonly layerDir: string, private readonly fh: FileHandle) {}

  /** A record for the layer being unpacked into `<layerDir>/diff`. */
  static async create(layerDir: string): Promise<TarSplitWriter> {
    const fh = await open(join(layerDir, TAR_SPLIT_FILE), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    const w = new TarSplitWriter(layerDir, fh);
    w.emit([MAGIC]);
    return w;
  }

  /** Every byte of the tar, in order, before the unpacker parses it. */
  tap(chunk: Buffer): void {
    if (this.finished) { this.failed ??= new Error('tar-split: data after the end'); return; }
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    this.tapped += chunk.length;
    this.pump();
  }

  /**
   * The unpacker wrote the `size` bytes at `start` (tar offset, after the header) as the file `absPath`.
   * Called in archive order, before the file's contents are read.
   */
  file(start: number | undefined, size: number, absPath: string): void {
    // Bytes already kept raw (the hold limit) stay raw: the record is correct either way.
    if (start === undefined || size <= 0 || start < this.pos || (this.refs.length && start < this.refs[this.refs.length - 1]!.end)) return;
    const rel = relative(this.layerDir, absPath);
    // A path written again was displaced first (displace() forgot it): a second live reference is a bug.
    if (this.byPath.has(rel)) throw new Error(`tar-split: ${rel} was not displaced`);
    const idx = this.paths.push(rel) - 1;
    this.byPath.set(rel, idx);
    for (let d = parentOf(rel); d; d = parentOf(d)) this.dirs.set(d, (this.dirs.get(d) ?? 0) + 1);
    this.refs.push({ start, end: start + size, path: idx, emitted: false });
    this.pump();
  }

  /**
   * Before the unpacker removes `absPath` (replaced by a later entry, or whited out): when the record refers to
   * it or to anything under it, it is moved aside instead, and true returned (the caller must not remove it).
   */
  async displace(absPath: string): Promise<boolean> {
    const rel = relative(this.layerDir, absPath);
    if (!this.byPath.has(rel) && !this.dirs.has(rel)) return false;
    const shadowRoot = join(this.layerDir, SHADOW_DIR);
    await mkdir(shadowRoot, { recursive: true, mode: 0o700 });
    const to = join(SHADOW_DIR, String(this.shadows++));
    await rename(absPath, join(this.layerDir, to));
    for (const [p, idx] of [...this.byPath]) {
      if (p !== rel && !p.startsWith(`${rel}/`)) continue;
      this.byPath.delete(p);
      for (let d = parentOf(p); d; d = parentOf(d)) {
        const n = (this.dirs.get(d) ?? 1) - 1;
        if (n) this.dirs.set(d, n); else this.dirs.delete(d);
      }
      this.paths[idx] = to + p.slice(rel.length); // shadow entries are never looked up or displaced again
    }
    return true;
  }

  /** Writes what is left and the trailer; the tar was `tapped` bytes. */
  async finish(opts: { sync?: boolean } = {}): Promise<void> {
    this.pump();
    if (this.refs.length) this.failed ??= new Error('tar-split: a file reference runs past the end of the tar');
    this.rawOut(this.heldBytes);
    this.finished = true;
    const trailer = Buffer.from(JSON.stringify({ size: this.tapped, paths: this.paths }));
    const len = Buffer.alloc(4);
    len.writeUInt32BE(trailer.length);
    this.emit([trailer, len, TRAILER_MARK]);
    this.flush();
    try {
      await this.writing;
      if (this.failed) throw this.failed;
      if (opts.sync) await this.fh.datasync();
    } finally {
      await this.fh.close();
    }
  }

  async abort(): Promise<void> {
    this.finished = true;
    await this.writing.catch(() => undefined);
    await this.fh.close().catch(() => undefined);
  }

  /** Moves the held bytes out as far as the references known so far allow. */
  private pump(): void {
    for (;;) {
      const r = this.refs[0];
      if (!r) {
        if (this.heldBytes > HOLD_LIMIT) this.rawOut(this.heldBytes);
        return;
      }
      if (this.pos < r.start) {
        this.rawOut(Math.min(r.start - this.pos, this.heldBytes));
        if (this.pos < r.start) return;
      }
      if (!r.emitted) {
        r.emitted = true;
        const rec = Buffer.alloc(11);
        rec[0] = 0x46; // 'F'
        rec.writeUInt32BE(r.path, 1);
        rec.writeUIntBE(r.end - r.start, 5, 6);
        this.emit([rec]);
      }
      this.drop(Math.min(r.end - this.pos, this.heldBytes));
      if (this.pos < r.end) return;
      this.refs.shift();
    }
  }

  /** The first `n` held bytes as a raw record. */
  private rawOut(n: number): void {
    if (n <= 0) return;
    const parts = this.take(n);
    const rec = Buffer.alloc(5);
    rec[0] = 0x52; // 'R'
    rec.writeUInt32BE(n, 1);
    this.emit([rec, ...parts]);
  }

  private drop(n: number): void { if (n > 0) this.take(n); }

  private take(n: number): Buffer[] {
    const parts: Buffer[] = [];
    let left = n;
    while (left > 0) {
      const b = this.held[0]!;
      if (b.length <= left) {
        parts.push(b);
        this.held.shift();
        left -= b.length;
      } else {
        parts.push(b.subarray(0, left));
        this.held[0] = b.subarray(left);
        left = 0;
      }
    }
    this.heldBytes -= n;
    this.pos += n;
    return parts;
  }

  private emit(bufs: Buffer[]): void {
    for (const b of bufs) { this.out.push(b); this.outBytes += b.length; }
    if (this.outBytes >= FLUSH_AT) this.flush();
  }

  private flush(): void {
    if (!this.outBytes) return;
    const bufs = this.out;
    const total = this.outBytes;
    this.out = [];
    this.outBytes = 0;
    this.writing = this.writing.then(() => writevAll(this.fh, bufs, total)).catch((err: Error) => { this.failed ??= err; });
  }
}

export function hasTarSplit(layerDir: string): Promise<boolean> {
  return access(join(layerDir, TAR_SPLIT_FILE)).then(() => true, () => false);
}

/** Moves `fromDir`'s record (and what it keeps aside) to `toDir`, a copy of the same layer that has none. */
export async function adoptTarSplit(fromDir: string, toDir: string): Promise<void> {
  if (await hasTarSplit(toDir) || !await hasTarSplit(fromDir)) return;
  await rename(join(fromDir, SHADOW_DIR), join(toDir, SHADOW_DIR)).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err; });
  await rename(join(fromDir, TAR_SPLIT_FILE), join(toDir, TAR_SPLIT_FILE));
  await fsyncDir(toDir);
}

function parentOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i > 0 ? rel.slice(0, i) : '';
}

/** The tar a layer's record describes: its size, and a stream of it; undefined when the layer has none. */
export async function readTarSplit(layerDir: string): Promise<{ size: number; stream: Readable } | undefined> {
  let fh: FileHandle;
  try {
    fh = await open(join(layerDir, TAR_SPLIT_FILE), 'r');
  } catch {
    return undefined;
  }
  try {
    const { size: fileSize } = await fh.stat();
    const tail = Buffer.alloc(8);
    await fh.read(tail, 0, 8, Math.max(0, fileSize - 8));
    if (fileSize < MAGIC.length + 8 || !tail.subarray(4).equals(TRAILER_MARK)) throw new InvalidParameter(`incomplete tar-split record in ${layerDir}`);
    const trailerLen = tail.readUInt32BE(0);
    const trailer = Buffer.alloc(trailerLen);
    const bodyEnd = fileSize - 8 - trailerLen;
    await fh.read(trailer, 0, trailerLen, bodyEnd);
    const meta = JSON.parse(trailer.toString('utf8')) as { size: number; paths: string[] };
    const stream = Readable.from(records(fh, MAGIC.length, bodyEnd, layerDir, meta.paths), { objectMode: false, highWaterMark: 1 << 20 });
    return { size: meta.size, stream };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

const READ_STEP = 1 << 20;

/** The tar's bytes: raw records copied, file references read from the layer (their length checked). */
async function* records(fh: FileHandle, from: number, end: number, layerDir: string, paths: string[]): AsyncGenerator<Buffer> {
  try {
    let buf = Buffer.alloc(0);
    let off = from;
    // At least `n` bytes of the record stream in `buf` (fewer only at its end).
    const need = async (n: number): Promise<void> => {
      if (buf.length >= n || off >= end) return;
      const chunk = Buffer.allocUnsafe(Math.min(Math.max(READ_STEP, n - buf.length), end - off));
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, off);
      if (bytesRead <= 0) throw new Error('tar-split: short read');
      off += bytesRead;
      buf = buf.length ? Buffer.concat([buf, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      return need(n);
    };
    for (;;) {
      await need(11);
      if (!buf.length) return;
      if (buf[0] === 0x52) {
        let left = buf.readUInt32BE(1);
        buf = buf.subarray(5);
        while (left > 0) {
          await need(Math.min(left, READ_STEP));
          if (!buf.length) throw new Error('tar-split: truncated record');
          const n = Math.min(left, buf.length);
          yield buf.subarray(0, n);
          buf = buf.subarray(n);
          left -= n;
        }
      } else if (buf[0] === 0x46) {
        const path = paths[buf.readUInt32BE(1)];
        const size = buf.readUIntBE(5, 6);
        buf = buf.subarray(11);
        if (path === undefined) throw new Error('tar-split: bad file reference');
        yield* fileBytes(join(layerDir, path), size);
      } else {
        throw new Error('tar-split: bad record');
      }
    }
  } finally {
    await fh.close();
  }
}

async function* fileBytes(path: string, size: number): AsyncGenerator<Buffer> {
  if (size <= SMALL_FILE) { yield readSmall(path, size); return; }
  const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const st = await fh.stat();
    if (!st.isFile() || st.size !== size) throw changed(path, st.size, size);
    for (let pos = 0; pos < size;) {
      const chunk = Buffer.allocUnsafe(Math.min(READ_STEP, size - pos));
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, pos);
      if (bytesRead <= 0) throw changed(path, pos, size);
      pos += bytesRead;
      yield bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/** Files up to this size are read with synchronous calls (open, fstat, read, close take microseconds). */
const SMALL_FILE = 256 << 10;

function readSmall(path: string, size: number): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size !== size) throw changed(path, st.size, size);
    const buf = Buffer.allocUnsafe(size);
    for (let pos = 0; pos < size;) {
      const n = readSync(fd, buf, pos, size - pos, pos);
      if (n <= 0) throw changed(path, pos, size);
      pos += n;
    }
    return buf;
  } finally {
    closeSync(fd);
  }
}

const changed = (path: string, got: number, want: number): Error => new Error(`layer file ${path} changed: ${got} bytes, the tar had ${want}`);

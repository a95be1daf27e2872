// The build context kept as the client sent it: the (decompressed) tar is written to one file while its
// headers are parsed into an index (name -> header fields and data offset). Nothing is unpacked: a build
// whose COPY steps all hit the cache never creates a file, and a COPY that misses reads the bytes it needs
// straight from the tar. Checksums are Docker's (pkg/tarsum Version1, as builder/remotecontext/archive.go
// computes them while untarring), only for the entries a COPY/ADD names: taken as the bytes stream in for
// the files under the Dockerfile's COPY/ADD sources (EagerSelector), later from the file for any other.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, writevSync } from 'node:fs';
import { posix } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { InvalidParameter } from '../../errors.js';

export type EntryKind = 'file' | 'dir' | 'symlink' | 'link' | 'other';

export interface CtxEntry {
  /** Clean relative name ("src/a.txt"; "" is the root). */
  name: string;
  /** The header's name as sent (tarsum hashes it verbatim). */
  rawName: string;
  kind: EntryKind;
  typeflag: string;
  /** The header's mode field as sent (Docker's client keeps Go 1.8's file-type bits in it). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname: string;
  devmajor: number;
  devminor: number;
  xattrs?: Array<[string, string]>;
  /** Byte offset of the entry's data in the tar file. */
  offset: number;
  /** No header in the tar: a parent directory implied by a deeper name. */
  implied?: boolean;
  sum?: string;
}

export interface ReceiveOptions {
  /** The tar: `head` (when given) then the rest of the stream. */
  head?: Buffer;
  rest: Readable;
  /** The Dockerfile's clean name, and what to make of its text (an EagerSelector for the files after it). */
  dockerfile?: { name: string; select(text: string): EagerSelector | undefined };
}

const BLOCK = 512;

function cleanName(raw: string): string {
  const n = posix.normalize(`/${raw}`).slice(1);
  return n.endsWith('/') ? n.slice(0, -1) : n;
}

function cstr(b: Buffer, start: number, len: number): string {
  const end = b.indexOf(0, start);
  return b.toString('utf8', start, end < 0 || end > start + len ? start + len : end);
}

function num(b: Buffer, start: number, len: number): number {
  if (b[start]! & 0x80) {
    // GNU base-256 for values that do not fit the octal field.
    let v = b[start]! & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + b[start + i]!;
    return v;
  }
  // Octal digits, leading spaces allowed, ended by NUL or space.
  let v = 0;
  let i = start;
  const end = start + len;
  while (i < end && b[i] === 0x20) i++;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c < 0x30 || c > 0x37) break;
    v = v * 8 + (c - 0x30);
  }
  return v;
}

function paxRecords(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    if (sp < 0) break;
    const len = Number(data.toString('latin1', i, sp));
    if (!len) break;
    const rec = data.toString('utf8', sp + 1, i + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    i += len;
  }
  return out;
}

const KINDS: Record<string, EntryKind> = { '0': 'file', '\0': 'file', '7': 'file', '5': 'dir', '2': 'symlink', '1': 'link' };

const ZERO_BLOCK = Buffer.alloc(BLOCK);
const WRITE_BATCH = 1 << 20;

/** tarsum v1's header part for an entry (pkg/tarsum's v1TarHeaderSelect: no mtime, xattrs sorted). */
export function sumHeader(e: CtxEntry): string {
  let s = `name${e.rawName}mode${e.mode}uid${e.uid}gid${e.gid}size${e.size}typeflag${e.typeflag}linkname${e.linkname}unamegnamedevmajor${e.devmajor}devminor${e.devminor}`;
  for (const [k, v] of e.xattrs ?? []) s += `${k}${v}`;
  return s;
}

/**
 * Which regular files to checksum while they stream in: the ones under a path some COPY/ADD of the
 * Dockerfile names (read from the stream itself: docker's client and ours send the Dockerfile before the
 * other files when its name sorts first, as "Dockerfile" does). Files before the Dockerfile, and files no
 * COPY names, are hashed later only if a step reads them (ContextIndex.sums).
 */
export type EagerSelector = (name: string) => boolean;

/** Parses the tar stream as it passes through to `file` (batched synchronous writes); returns the index. */
class TarIndexer extends Writable {
  readonly entries = new Map<string, CtxEntry>();
  private pos = 0;
  private readonly headBuf = Buffer.alloc(BLOCK);
  private headLen = 0;
  /** Bytes of the current entry still to pass (data and padding), and of its data alone. */
  private skip = 0;
  private dataLeft = 0;
  private onData?: (b: Buffer) => void;
  private onDone?: () => void;
  private pax?: Map<string, string>;
  private longName?: string;
  private longLink?: string;
  private ended = false;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private written = 0;
  private eager?: EagerSelector;

  constructor(private readonly fd: number, private readonly opts: ReceiveOptions) { super({ highWaterMark: 1 << 20 }); }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    try {
      this.parse(chunk);
      this.pos += chunk.length;
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes >= WRITE_BATCH) this.flush();
    } catch (err) { cb(err as Error); return; }
    cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    try { this.flush(); } catch (err) { cb(err as Error); return; }
    cb();
  }

  /** One writev per MiB instead of a thread-pool round trip per socket read. */
  private flush(): void {
    let bufs = this.pending;
    this.pending = []; this.pendingBytes = 0;
    while (bufs.length) {
      let n = writevSync(this.fd, bufs, this.written);
      if (n <= 0) throw new Error('short write of the build context');
      this.written += n;
      while (bufs.length && n >= bufs[0]!.length) { n -= bufs[0]!.length; bufs.shift(); }
      if (n > 0) bufs = [bufs[0]!.subarray(n), ...bufs.slice(1)];
    }
  }

  private parse(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length && !this.ended) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        if (this.dataLeft > 0) {
          const take = Math.min(n, this.dataLeft);
          this.onData?.(chunk.subarray(i, i + take));
          this.dataLeft -= take;
          if (this.dataLeft === 0) this.entryDone();
        }
        this.skip -= n; i += n;
        continue;
      }
      if (this.headLen === 0 && chunk.length - i >= BLOCK) {
        i += BLOCK;
        this.header(chunk.subarray(i - BLOCK, i), this.pos + i);
        continue;
      }
      const take = Math.min(BLOCK - this.headLen, chunk.length - i);
      chunk.copy(this.headBuf, this.headLen, i, i + take);
      this.headLen += take; i += take;
      if (this.headLen < BLOCK) continue;
      this.headLen = 0;
      this.header(this.headBuf, this.pos + i);
    }
  }

  private entryDone(): void {
    const done = this.onDone;
    this.onData = undefined; this.onDone = undefined;
    done?.();
  }

  /** The next `size` data bytes (then padding to a block) go to onData, then onDone runs. */
  private expect(size: number, onData?: (b: Buffer) => void, onDone?: () => void): void {
    this.skip = Math.ceil(size / BLOCK) * BLOCK;
    this.dataLeft = size;
    this.onData = onData; this.onDone = onDone;
    if (size === 0) this.entryDone();
  }

  private header(h: Buffer, dataAt: number): void {
    if (h[0] === 0 && h.equals(ZERO_BLOCK)) { this.ended = true; return; }
    const typeflag = String.fromCharCode(h[156]!);
    let size = num(h, 124, 12);
    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
      const buf: Buffer[] = [];
      this.expect(size, (b) => buf.push(b), () => this.finishMeta(typeflag, Buffer.concat(buf)));
      return;
    }
    const magic = h.toString('latin1', 257, 262);
    let raw = cstr(h, 0, 100);
    if (magic === 'ustar') { const prefix = cstr(h, 345, 155); if (prefix) raw = `${prefix}/${raw}`; }
    let linkname = cstr(h, 157, 100);
    let uid = num(h, 108, 8);
    let gid = num(h, 116, 8);
    let mtime = num(h, 136, 12);
    let xattrs: Array<[string, string]> | undefined;
    if (this.longName !== undefined) raw = this.longName;
    if (this.longLink !== undefined) linkname = this.longLink;
    const pax = this.pax;
    if (pax) {
      if (pax.has('path')) raw = pax.get('path')!;
      if (pax.has('linkpath')) linkname = pax.get('linkpath')!;
      if (pax.has('size')) size = Number(pax.get('size'));
      if (pax.has('uid')) uid = Number(pax.get('uid'));
      if (pax.has('gid')) gid = Number(pax.get('gid'));
      if (pax.has('mtime')) mtime = Math.floor(Number(pax.get('mtime')));
      for (const [k, v] of pax) if (k.startsWith('SCHILY.xattr.')) (xattrs ??= []).push([k.slice(13), v]);
      xattrs?.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    }
    this.pax = undefined; this.longName = undefined; this.longLink = undefined;
    const kind: EntryKind = KINDS[typeflag] ?? 'other';
    const name = cleanName(raw);
    const e: CtxEntry = {
      name, rawName: raw, kind: kind === 'file' && raw.endsWith('/') ? 'dir' : kind, typeflag, mode: num(h, 100, 8), uid, gid,
      size: kind === 'file' ? size : 0, mtime, linkname, devmajor: num(h, 329, 8), devminor: num(h, 337, 8), xattrs, offset: dataAt,
    };
    this.entries.set(name, e);
    // Data of non-regular entries (hardlinks carry none) is skipped too.
    if (e.kind !== 'file') { this.expect(size); return; }
    const df = this.opts.dockerfile;
    const isDockerfile = df !== undefined && name === df.name && size <= 1 << 20 && this.eager === undefined;
    // Checksummed as it passes (when a COPY may want it): ready when the upload ends.
    const hash = this.eager?.(name) ? createHash('sha256').update(sumHeader(e)) : undefined;
    if (!isDockerfile && !hash) { this.expect(size); return; }
    const text: Buffer[] = [];
    this.expect(size, (b) => { if (isDockerfile) text.push(b); hash?.update(b); }, () => {
      if (isDockerfile) this.eager = df.select(Buffer.concat(text).toString('utf8'));
      if (hash) e.sum = hash.digest('hex');
    });
  }

  private finishMeta(type: string, data: Buffer): void {
    if (type === 'x') this.pax = paxRecords(data);
    else if (type === 'L') this.longName = data.toString('utf8').replace(/\0.*$/s, '');
    else if (type === 'K') this.longLink = data.toString('utf8').replace(/\0.*$/s, '');
  }
}

export class ContextIndex {
  private children?: Map<string, string[]>;
  private shared?: RangeReader;
  private constructor(readonly file: string, readonly entries: Map<string, CtxEntry>) {}

  /** Streams the tar into `file` and indexes it. */
  static async receive(file: string, opts: ReceiveOptions): Promise<ContextIndex> {
    const fd = openSync(file, 'wx', 0o600);
    try {
      const ix = new TarIndexer(fd, opts);
      if (opts.head) ix.write(opts.head);
      if (opts.rest.readableEnded) { ix.end(); await finished(ix); } else await pipeline(opts.rest, ix);
      const entries = ix.entries;
      // Parents implied by deeper names exist as 0755 directories, as dockerd's untar creates them.
      for (const name of [...entries.keys()]) {
        for (let p = posix.dirname(name); p !== '.' && !entries.has(p); p = posix.dirname(p)) {
          entries.set(p, { name: p, rawName: p, kind: 'dir', typeflag: '5', mode: 0o40755, uid: 0, gid: 0, size: 0, mtime: 0, linkname: '', devmajor: 0, devminor: 0, offset: 0, implied: true });
        }
      }
      if (!entries.has('')) entries.set('', { name: '', rawName: '', kind: 'dir', typeflag: '5', mode: 0o40755, uid: 0, gid: 0, size: 0, mtime: 0, linkname: '', devmajor: 0, devminor: 0, offset: 0, implied: true });
      return new ContextIndex(file, entries);
    } finally {
      closeSync(fd);
    }
  }

  get(name: string): CtxEntry | undefined { return this.entries.get(name); }

  /** Removes `name` and everything under it. */
  remove(name: string): void {
    this.entries.delete(name);
    const prefix = `${name}/`;
    for (const k of [...this.entries.keys()]) if (k.startsWith(prefix)) this.entries.delete(k);
    this.children = undefined;
  }

  /** Sorted child names of a directory entry. */
  list(dir: string): string[] {
    if (!this.children) {
      const m = new Map<string, string[]>();
      for (const name of this.entries.keys()) {
        if (name === '') continue;
        const parent = posix.dirname(name);
        const key = parent === '.' ? '' : parent;
        let l = m.get(key);
        if (!l) m.set(key, (l = []));
        l.push(posix.basename(name));
      }
      for (const l of m.values()) l.sort();
      this.children = m;
    }
    return this.children.get(dir) ?? [];
  }

  /** moby's FollowSymlinkInScope over the index: the clean name `rel` resolves to, never leaving the root. */
  resolve(rel: string, followFinal = true): string {
    const parts = rel.split('/').filter((p) => p !== '' && p !== '.');
    const out: string[] = [];
    let hops = 0;
    while (parts.length > 0) {
      const p = parts.shift()!;
      if (p === '..') { out.pop(); continue; }
      const candidate = [...out, p].join('/');
      const e = this.entries.get(candidate);
      if (e?.kind === 'symlink' && (followFinal || parts.length > 0)) {
        if (++hops > 255) throw new InvalidParameter(`too many links in ${rel}`);
        if (e.linkname.startsWith('/')) out.length = 0;
        parts.unshift(...e.linkname.split('/').filter((x) => x !== '' && x !== '.'));
        continue;
      }
      out.push(p);
    }
    return out.join('/');
  }

  /** The regular file a hardlink entry points at (its data lives there). */
  dataOf(e: CtxEntry): CtxEntry {
    for (let i = 0, x = e; i < 32; i++) {
      if (x.kind !== 'link') return x;
      const t = this.entries.get(cleanName(x.linkname));
      if (!t) return x;
      x = t;
    }
    return e;
  }

  /** Reads a whole small entry (the Dockerfile, .dockerignore). */
  readText(e: CtxEntry): string {
    const d = this.dataOf(e);
    const buf = Buffer.alloc(d.size);
    const fd = openSync(this.file, 'r');
    try { readSync(fd, buf, 0, d.size, d.offset); } finally { closeSync(fd); }
    return buf.toString('utf8');
  }

  /** Docker's per-entry tarsum (v1): the selected header fields, then the content; cached per entry. */
  async sums(list: CtxEntry[]): Promise<void> {
    const todo = list.filter((e) => e.sum === undefined).sort((a, b) => a.offset - b.offset);
    if (!todo.length) return;
    const reader = todo.length > 1 || todo[0]!.size > 64 << 10 ? new RangeReader(this.file) : new RangeReader(this.file, 64 << 10);
    try {
      for (const e of todo) {
        if (e.implied) { e.sum = e.name; continue; }
        const h = createHash('sha256').update(sumHeader(e));
        if (e.kind === 'file' && e.size > 0) await reader.feed(e.offset, e.size, (b) => h.update(b));
        e.sum = h.digest('hex');
      }
    } finally {
      reader.close();
    }
  }

  /** Calls `fn` with the entry's content in chunks (one shared reader: neighbouring files cost one read). */
  async content(e: CtxEntry, fn: (b: Buffer) => void): Promise<void> {
    const d = this.dataOf(e);
    if (d.size === 0) return;
    this.shared ??= new RangeReader(this.file);
    await this.shared.feed(d.offset, d.size, fn);
  }

  reader(): RangeReader { return new RangeReader(this.file); }

  close(): void { this.shared?.close(); this.shared = undefined; }
}

/** Sequential reads of byte ranges with a large window, so many small neighbouring entries cost few reads. */
export class RangeReader {
  private readonly fd: number;
  private readonly buf: Buffer;
  private start = 0;
  private end = 0;
  private reads = 0;
  constructor(file: string, window = 4 << 20) { this.fd = openSync(file, 'r'); this.buf = Buffer.allocUnsafe(window); }

  async feed(offset: number, size: number, fn: (b: Buffer) => void): Promise<void> {
    let at = offset;
    const stop = offset + size;
    while (at < stop) {
      if (at < this.start || at >= this.end) {
        // Yield now and then so a long copy does not hold the daemon's event loop.
        if (++this.reads % 8 === 0) await new Promise((r) => setImmediate(r));
        const n = readSync(this.fd, this.buf, 0, this.buf.length, at);
        if (n <= 0) throw new InvalidParameter('build context truncated');
        this.start = at; this.end = at + n;
      }
      const to = Math.min(stop, this.end);
      fn(this.buf.subarray(at - this.start, to - this.start));
      at = to;
    }
  }

  close(): void { closeSync(this.fd); }
}

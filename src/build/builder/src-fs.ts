// Where COPY/ADD read from: the build context's tar index (ContextFS) or a directory on the host (HostFS: a
// mounted stage or image for COPY --from, a download, an unpacked archive). Both hash the way the legacy
// builder does, so `COPY file:<hex> in /dst` and `dir:<hex>` match dockerd's for the same input: the context
// with the tarsum of the entry as the client sent it (remotecontext/archive.go), a host tree with a tarsum
// header made from stat (remotecontext/lazycontext.go); a directory is sha256 over the sorted sums of itself
// and everything below it, joined by ",".
import { createHash } from 'node:crypto';
import { closeSync, constants, createReadStream, openSync, readSync, writeSync } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ContextIndex, CtxEntry } from './context-index.js';
import { resolveInContext } from './paths.js';

export interface SrcStat {
  kind: 'file' | 'dir' | 'symlink' | 'other';
  /** Permission and special bits. */
  perm: number;
  uid: number;
  gid: number;
  size: number;
  mtime: Date;
}

export interface SrcFS {
  /** The key of `rel` (relative to this source's root) with symlinks resolved in scope. */
  resolve(rel: string, followFinal: boolean): Promise<string>;
  lstat(key: string): Promise<SrcStat | undefined>;
  /** Sorted child names. */
  readdir(key: string): Promise<string[]>;
  child(key: string, name: string): string;
  readlink(key: string): Promise<string>;
  /** Creates `dest` (which must not exist) with the file's content. */
  writeFile(key: string, dest: string): Promise<void>;
  readStream(key: string): Readable;
  /** Docker's checksum of one entry (`key` relative to the root) or of a directory tree. */
  hashFile(key: string): Promise<string>;
  hashDir(key: string): Promise<string>;
}

const hashSlice = (parts: string[]): string => createHash('sha256').update(parts.sort().join(',')).digest('hex');

export class ContextFS implements SrcFS {
  constructor(private readonly ix: ContextIndex) {}
  async resolve(rel: string, followFinal: boolean): Promise<string> { return this.ix.resolve(rel, followFinal); }
  async lstat(key: string): Promise<SrcStat | undefined> {
    const e = this.ix.get(key);
    if (!e) return undefined;
    const d = this.ix.dataOf(e);
    const kind = e.kind === 'link' ? (d.kind === 'file' ? 'file' : 'other') : e.kind;
    return { kind, perm: d.mode & 0o7777, uid: d.uid, gid: d.gid, size: kind === 'file' ? d.size : 0, mtime: new Date(d.mtime * 1000) };
  }
  async readdir(key: string): Promise<string[]> { return this.ix.list(key); }
  child(key: string, name: string): string { return key ? `${key}/${name}` : name; }
  async readlink(key: string): Promise<string> { return this.ix.get(key)?.linkname ?? ''; }
  async writeFile(key: string, dest: string): Promise<void> {
    const fd = openSync(dest, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      await this.ix.content(this.ix.get(key)!, (b) => { for (let off = 0; off < b.length;) off += writeSync(fd, b, off); });
    } finally { closeSync(fd); }
  }
  readStream(key: string): Readable {
    const ix = this.ix;
    const e = ix.get(key)!;
    return Readable.from((async function* () {
      const parts: Buffer[] = [];
      const r = ix.reader();
      const d = ix.dataOf(e);
      try {
        for (let at = 0; at < d.size; at += 1 << 20) {
          await r.feed(d.offset + at, Math.min(1 << 20, d.size - at), (b) => parts.push(Buffer.from(b)));
          yield Buffer.concat(parts.splice(0));
        }
      } finally { r.close(); }
    })());
  }
  async hashFile(key: string): Promise<string> {
    const e = this.ix.get(key);
    if (!e) return key;
    await this.ix.sums([e]);
    return e.sum!;
  }
  async hashDir(key: string): Promise<string> {
    // Each walked path hashes as the entry its symlinks lead to ("the file that is actually copied"), a
    // path leading nowhere as the path itself; the walk starts at the directory (dockerd skips only ".").
    const list: Array<CtxEntry | string> = [];
    const walk = (k: string): void => {
      const e = this.ix.get(k);
      if (!e) return;
      if (k !== '') list.push(this.ix.get(this.ix.resolve(k, true)) ?? k);
      if (e.kind === 'dir') for (const n of this.ix.list(k)) walk(this.child(k, n));
    };
    walk(key);
    await this.ix.sums(list.filter((e): e is CtxEntry => typeof e !== 'string'));
    return hashSlice(list.map((e) => (typeof e === 'string' ? e : e.sum!)));
  }
}

export class HostFS implements SrcFS {
  constructor(readonly root: string) {}
  async resolve(rel: string, followFinal: boolean): Promise<string> { return resolveInContext(this.root, rel, followFinal); }
  async lstat(key: string): Promise<SrcStat | undefined> {
    const st = await lstat(key).catch(() => undefined);
    if (!st) return undefined;
    const kind = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : 'other';
    return { kind, perm: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: kind === 'file' ? st.size : 0, mtime: st.mtime };
  }
  async readdir(key: string): Promise<string[]> { return (await readdir(key)).sort(); }
  child(key: string, name: string): string { return join(key, name); }
  readlink(key: string): Promise<string> { return readlink(key); }
  async writeFile(key: string, dest: string): Promise<void> {
    const src = openSync(key, 'r');
    const fd = openSync(dest, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      for (let n; (n = readSync(src, buf, 0, buf.length, null)) > 0;) for (let off = 0; off < n;) off += writeSync(fd, buf, off, n - off);
    } finally { closeSync(fd); closeSync(src); }
  }
  readStream(key: string): Readable { return createReadStream(key); }

  /** lazycontext's prepareHash: a tar header from stat (Go 1.8 mode bits, dirs named with "/"), then the data. */
  private async sum(key: string): Promise<string> {
    const st = await lstat(key);
    const rel = posix.relative(this.root, key) || '.';
    const h = createHash('sha256');
    const type = st.isDirectory() ? '5' : st.isSymbolicLink() ? '2' : st.isFile() ? '0' : st.isCharacterDevice() ? '3' : st.isBlockDevice() ? '4' : '6';
    const link = st.isSymbolicLink() ? await readlink(key) : '';
    const dev = st.isCharacterDevice() || st.isBlockDevice();
    const major = dev ? ((st.rdev >> 8) & 0xfff) : 0;
    const minor = dev ? ((st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00)) : 0;
    const name = st.isDirectory() ? `${rel}/` : rel;
    h.update(`name${name}mode${st.mode}uid${st.uid}gid${st.gid}size${st.isFile() ? st.size : 0}typeflag${type}linkname${link}unamegnamedevmajor${major}devminor${minor}`);
    if (st.isFile() && st.size > 0) await pipeline(createReadStream(key), h, { end: false });
    return h.digest('hex');
  }
  hashFile(key: string): Promise<string> { return this.sum(key); }
  async hashDir(key: string): Promise<string> {
    const sums: string[] = [];
    const walk = async (k: string): Promise<void> => {
      if (k !== this.root) {
        const target = await resolveInContext(this.root, posix.relative(this.root, k), true);
        sums.push(await lstat(target).then(() => this.sum(target), () => posix.relative(this.root, k)));
      }
      if ((await lstat(k)).isDirectory()) for (const n of await this.readdir(k)) await walk(join(k, n));
    };
    await walk(key);
    return hashSlice(sums);
  }
}

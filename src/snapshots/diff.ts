// Reading a container's upper dir: its size (`ps -s`), its changes (`docker diff`) and its contents as a
// layer tar (`commit`), with overlay whiteouts turned back into AUFS `.wh.` entries the way Docker's overlay
// whiteout converter writes them (whiteout -> empty file `.wh.<name>` mode 0600, opaque dir -> the dir plus
// an empty `<dir>/.wh..wh..opq`).
import { createReadStream, lstatSync, readFileSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { native } from '../sys/index.js';

type TarHeader = Partial<tar.Header> & Pick<tar.Header, 'name'>;
import type { Change } from './types.js';

const isWhiteout = (st: Stats): boolean => st.isCharacterDevice() && st.rdev === 0;
const isOpaque = (path: string): boolean => native.getXattr(path, 'trusted.overlay.opaque')?.toString() === 'y';

/**
 * Depth-first, name-sorted walk yielding paths relative to `root` (without a leading slash). readdir and
 * lstat are synchronous (microseconds each, where an async call is a thread-pool round trip); the event loop
 * gets a turn every WALK_YIELD entries, so a huge tree does not hold it.
 */
async function* walk(root: string, rel = '', count = { n: 0 }): AsyncGenerator<{ rel: string; path: string; st: Stats }> {
  const names = readdirSync(join(root, rel)).sort();
  for (const name of names) {
    const r = rel ? `${rel}/${name}` : name;
    const path = join(root, r);
    const st = lstatSync(path);
    if (++count.n % WALK_YIELD === 0) await new Promise((resolve) => setImmediate(resolve));
    yield { rel: r, path, st };
    if (st.isDirectory()) yield* walk(root, r, count);
  }
}

const WALK_YIELD = 512;

/** Docker's directory.Size: bytes of every non-directory entry, each hardlinked inode once. */
export async function dirSize(root: string): Promise<number> {
  const seen = new Set<number>();
  let size = 0;
  for await (const { st } of walk(root)) {
    if (st.isDirectory()) continue;
    if (st.nlink > 1) {
      if (seen.has(st.ino)) continue;
      seen.add(st.ino);
    }
    size += st.size;
  }
  return size;
}

/** `docker diff`: A for new paths, C for paths also in a lower layer, D for whiteouts; sorted by path. */
export async function changes(upper: string, lowerdirs: readonly string[]): Promise<Change[]> {
  const out: Change[] = [];
  const exists = (p: string) => { try { lstatSync(p); return true; } catch { return false; } };
  const inLower = (rel: string) => lowerdirs.some((l) => exists(join(l, rel)));
  for await (const { rel, st } of walk(upper)) {
    if (isWhiteout(st)) {
      out.push({ Path: `/${rel}`, Kind: 2 });
      continue;
    }
    out.push({ Path: `/${rel}`, Kind: inLower(rel) ? 0 : 1 });
  }
  return out.sort((a, b) => (a.Path < b.Path ? -1 : a.Path > b.Path ? 1 : 0));
}

/** The upper dir as a layer tar, streamed (never buffered). */
export function diffTar(upper: string): Readable {
  const pack = tar.pack();
  writeEntries(upper, pack).then(() => pack.finalize(), (err: Error) => pack.destroy(err));
  return Readable.from(pack, { objectMode: false });
}

async function writeEntries(upper: string, pack: tar.Pack): Promise<void> {
  const links = new Map<number, string>();
  for await (const { rel, path, st } of walk(upper)) {
    const base = headerFor(rel, st);
    if (isWhiteout(st)) {
      const i = rel.lastIndexOf('/');
      await addEntry(pack, { ...base, type: 'file', mode: 0o600, size: 0, name: `${rel.slice(0, i + 1)}.wh.${rel.slice(i + 1)}` });
      continue;
    }
    const pax = xattrPax(path);
    const h: TarHeader = pax ? { ...base, pax } : base;
    if (st.isDirectory()) {
      await addEntry(pack, { ...h, type: 'directory', name: `${rel}/` });
      if (isOpaque(path)) await addEntry(pack, { ...base, type: 'file', size: 0, name: `${rel}/.wh..wh..opq` });
    } else if (st.isSymbolicLink()) {
      await addEntry(pack, { ...h, type: 'symlink', linkname: readlinkSync(path) });
    } else if (st.isFile()) {
      const first = st.nlink > 1 ? links.get(st.ino) : undefined;
      if (first !== undefined) {
        await addEntry(pack, { ...h, type: 'link', linkname: first, size: 0 });
        continue;
      }
      if (st.nlink > 1) links.set(st.ino, rel);
      // Small files go in as one buffer: a stream per file costs more than the file.
      if (st.size <= SMALL_FILE) await addBuffer(pack, { ...h, type: 'file', size: st.size }, st.size ? readFileSync(path) : EMPTY);
      else await addEntry(pack, { ...h, type: 'file', size: st.size }, createReadStream(path));
    } else {
      const type = st.isCharacterDevice() ? 'character-device' : st.isBlockDevice() ? 'block-device' : 'fifo';
      await addEntry(pack, { ...h, type, devmajor: major(st.rdev), devminor: minor(st.rdev) });
    }
  }
}

function headerFor(rel: string, st: Stats): TarHeader {
  return { name: rel, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime, size: 0, uname: '', gname: '' };
}

/** security.capability and friends travel as PAX SCHILY.xattr.*; overlay's own trusted.overlay.* never do. */
function xattrPax(path: string): Record<string, string> | undefined {
  const pax: Record<string, string> = {};
  for (const name of native.listXattrs(path)) {
    if (name.startsWith('trusted.overlay.')) continue;
    const v = native.getXattr(path, name);
    if (v) pax[`SCHILY.xattr.${name}`] = v.toString('utf8');
  }
  return Object.keys(pax).length ? pax : undefined;
}

const SMALL_FILE = 1 << 20;
const EMPTY = Buffer.alloc(0);

function addBuffer(pack: tar.Pack, header: TarHeader, body: Buffer): Promise<void> {
  if (body.length !== header.size) throw new Error(`${header.name} changed size while being read`);
  return new Promise((resolve, reject) => { pack.entry(header, body, (err) => (err ? reject(err) : resolve())); });
}

function addEntry(pack: tar.Pack, header: TarHeader, body?: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    const sink = pack.entry(header, (err) => (err ? reject(err) : resolve()));
    if (body) {
      body.on('error', (err) => { sink.destroy(err); reject(err); });
      body.pipe(sink as unknown as NodeJS.WritableStream);
    } else {
      (sink as unknown as { end(): void }).end();
    }
  });
}

const major = (dev: number): number => ((dev >> 8) & 0xfff) | (Math.floor(dev / 2 ** 32) & ~0xfff);
const minor = (dev: number): number => (dev & 0xff) | ((dev >> 12) & 0xfff00);

// COPY and ADD, in two phases like the legacy builder: resolve the sources and hash them (the hash goes into
// the step's cache key and its "#(nop) COPY file:<hex> in <dest>" text), then copy into the step's mounted
// rootfs. Docker's rules: a directory source copies its contents; several sources need a destination that
// ends in "/"; a file goes to dest/<name> when dest ends in "/" or is a directory; missing parents are
// created; owners become 0:0 unless --chown (names looked up in the image's /etc/passwd and /etc/group);
// modes and mtimes are kept; ADD unpacks local tar archives (also gz/bz2/xz) and downloads URLs.
import { createHash } from 'node:crypto';
import { createWriteStream, lchownSync, chmodSync, lutimesSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { basename, join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidParameter } from '../../errors.js';
import { decompress, unpackTar } from '../../snapshots/index.js';
import type { Found, RootView } from './root-view.js';
import { HostFS, type SrcFS, type SrcStat } from './src-fs.js';

export interface Source {
  fs: SrcFS;
  /** The source's key in `fs` (symlinks already resolved in scope). */
  key: string;
  /** Name used when the destination is a directory. */
  name: string;
  st: SrcStat;
  hash: string;
  /** ADD: unpack this archive instead of copying it. */
  archive: boolean;
  /** ADD URL: keep the file 0600 and name from the URL. */
  url?: boolean;
}

const GLOB = /[*?[]/;

function cmdErr(cmd: string, msg: string): InvalidParameter { return new InvalidParameter(`${cmd} failed: ${msg}`); }

/** Resolves and hashes the sources of one COPY/ADD read from `fs` (rooted at `root`). `tmp` holds downloads. */
export async function resolveSources(fs: SrcFS, root: string, patterns: string[], cmd: 'COPY' | 'ADD', tmp: string): Promise<Source[]> {
  const out: Source[] = [];
  for (const pat of patterns) {
    if (cmd === 'ADD' && /^https?:\/\//.test(pat)) { out.push(await download(pat, tmp)); continue; }
    const clean = posix.normalize(`/${pat}`).slice(1);
    if (GLOB.test(clean)) {
      const re = globRegex(clean);
      const matched: string[] = [];
      await walkRel(fs, root, '', (rel) => { if (re.test(rel)) matched.push(rel); });
      for (const rel of matched) out.push(await source(fs, rel, cmd));
      continue;
    }
    // A stage's or image's file (COPY --from) is named as dockerd resolved it: "stat etc/x: file does not exist".
    out.push(await source(fs, clean, cmd, pat, root !== ''));
  }
  if (out.length === 0) throw cmdErr(cmd, 'no source files were specified');
  return out;
}

async function source(fs: SrcFS, rel: string, cmd: string, orig = rel, fromImage = false): Promise<Source> {
  const key = await fs.resolve(rel, true);
  const st = await fs.lstat(key);
  if (!st && fromImage) throw cmdErr(cmd, `stat ${rel}: file does not exist`);
  if (!st) throw cmdErr(cmd, `file not found in build context or excluded by .dockerignore: stat ${orig}: file does not exist`);
  const hash = st.kind === 'dir' ? `dir:${await fs.hashDir(key)}` : `file:${await fs.hashFile(key)}`;
  const archive = cmd === 'ADD' && st.kind === 'file' && (await isArchive(fs.readStream(key)));
  return { fs, key, name: posix.basename(rel) || posix.basename(key) || basename(key), st, hash, archive };
}

function globRegex(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) { re += '\\['; continue; }
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('^')) cls = `^${cls.slice(1)}`;
      re += `[${cls}]`; i = end;
    } else if (c === '\\' && i + 1 < pattern.length) { i++; re += pattern[i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'); }
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`${re}$`);
}

async function walkRel(fs: SrcFS, key: string, rel: string, fn: (rel: string) => void): Promise<void> {
  for (const name of await fs.readdir(key)) {
    const r = rel ? `${rel}/${name}` : name;
    fn(r);
    const k = fs.child(key, name);
    if ((await fs.lstat(k))?.kind === 'dir') await walkRel(fs, k, r, fn);
  }
}

/** A COPY/ADD heredoc (BuildKit): a 0644 file named after the delimiter holding the body. */
export async function heredocSource(tmp: string, name: string, data: string): Promise<Source> {
  const dir = await mkdtemp(join(tmp, 'heredoc-'));
  const path = join(dir, posix.basename(name));
  await writeFile(path, data, { mode: 0o644 });
  await chmod(path, 0o644);
  const fs = new HostFS(dir);
  return { fs, key: path, name: posix.basename(name), st: (await fs.lstat(path))!, hash: `file:${await fs.hashFile(path)}`, archive: false };
}

export function sourcesHash(sources: Source[]): string {
  if (sources.length === 1) return sources[0]!.hash;
  // dockerd's hashStringSlice("multi", ...): the hashes in order, joined by ",".
  return `multi:${createHash('sha256').update(sources.map((s) => s.hash).join(',')).digest('hex')}`;
}

async function isArchive(stream: Readable): Promise<boolean> {
  let head = Buffer.alloc(0);
  try {
    for await (const c of stream) { head = Buffer.concat([head, c as Buffer]); if (head.length >= 512) break; }
  } finally { stream.destroy(); }
  if (head[0] === 0x1f && head[1] === 0x8b) return true;
  if (head.subarray(0, 3).toString('latin1') === 'BZh') return true;
  if (head[0] === 0xfd && head.subarray(1, 6).toString('latin1') === '7zXZ\0') return true;
  return head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar';
}

async function download(url: string, tmp: string): Promise<Source> {
  const dir = await mkdtemp(join(tmp, 'add-'));
  const name = basename(new URL(url).pathname) || 'index.html';
  const path = join(dir, name);
  let lastModified: string | undefined;
  await new Promise<void>((resolve, reject) => {
    const fetchUrl = (u: string, hops: number): void => {
      const get = u.startsWith('https:') ? httpsGet : httpGet;
      get(u, (res) => {
        if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && res.headers.location && hops < 10) {
          res.resume(); fetchUrl(new URL(res.headers.location, u).toString(), hops + 1); return;
        }
        if (res.statusCode !== 200) { res.resume(); reject(new InvalidParameter(`failed to GET ${url} with status ${res.statusCode} ${res.statusMessage ?? ''}`.trim())); return; }
        lastModified = res.headers['last-modified'];
        pipeline(res, createWriteStream(path, { mode: 0o600 })).then(resolve, reject);
      }).on('error', reject);
    };
    fetchUrl(url, 0);
  });
  await chmod(path, 0o600);
  if (lastModified) { const t = new Date(lastModified); if (!Number.isNaN(t.getTime())) await utimes(path, t, t); }
  const fs = new HostFS(dir);
  const st = (await fs.lstat(path))!;
  return { fs, key: path, name, st, hash: `file:${await fs.hashFile(path)}`, archive: false, url: true };
}

export interface CopyOptions {
  uid: number;
  gid: number;
  /** --chmod, applied to every copied file and directory. */
  mode?: number;
}

type TreeOptions = CopyOptions & { keepOwner?: boolean };

/**
 * Copies the sources to `dest` (absolute in the image, trailing slash kept), writing into the step's upper
 * dir through `view`.
 */
export async function copyInto(view: RootView, sources: Source[], dest: string, cmd: string, opts: CopyOptions, tmp: string): Promise<void> {
  const destIsDir = dest.endsWith('/');
  if (sources.length > 1 && !destIsDir) {
    throw new InvalidParameter(`When using ${cmd} with more than one source file, the destination must be a directory and end with a /`);
  }
  for (const src of sources) {
    const target = view.resolve(dest, true);
    if (src.st.kind === 'dir' || src.archive) {
      const fresh = !view.lookup(target)?.st.isDirectory();
      view.ensureDir(target, opts.uid, opts.gid);
      view.created(`${target}/-`);
      if (src.st.kind === 'dir') { await copyTree(src.fs, src.key, target, opts, view, fresh); continue; }
      const scratch = await mkdtemp(join(tmp, 'untar-'));
      try {
        await unpackTar(await decompress(src.fs.readStream(src.key)), scratch);
        await copyTree(new HostFS(scratch), scratch, target, { ...opts, keepOwner: true }, view, fresh);
      } finally { await rm(scratch, { recursive: true, force: true }); }
      continue;
    }
    const existing = view.lookup(target)?.st.isDirectory() ?? false;
    const file = destIsDir || existing ? posix.join(target, src.name) : target;
    view.ensureDir(posix.dirname(file) === '.' ? '' : posix.dirname(file), opts.uid, opts.gid);
    view.created(file);
    await copyEntry(src.fs, src.key, file, src.st, opts, view, view.lookup(file));
  }
}

// Destination writes are synchronous: thousands of small files cost a few syscalls each, and a round trip
// through libuv's thread pool per call would cost more than the calls themselves. `fresh`: the destination
// directory is new in the upper dir, so nothing below it exists anywhere and no lookups are needed.
async function copyTree(fs: SrcFS, from: string, to: string, opts: TreeOptions, view: RootView, fresh: boolean): Promise<void> {
  for (const name of await fs.readdir(from)) {
    const s = fs.child(from, name);
    const d = to ? `${to}/${name}` : name;
    const st = await fs.lstat(s);
    if (!st) continue;
    const ex = fresh ? undefined : view.lookup(d);
    if (st.kind === 'dir') {
      if (ex?.upper && !ex.st.isDirectory()) rmSync(ex.path, { recursive: true, force: true });
      let childFresh = false;
      if (ex?.st.isDirectory()) { if (!ex.upper) mkdirSync(view.path(d)); } else { view.mkdirNew(d, ex !== undefined); childFresh = true; }
      await copyTree(fs, s, d, opts, view, childFresh);
      applyMeta(view.path(d), st, opts);
    } else await copyEntry(fs, s, d, st, opts, view, ex);
  }
}

async function copyEntry(fs: SrcFS, s: string, d: string, st: SrcStat, opts: TreeOptions, view: RootView, ex: Found | undefined): Promise<void> {
  const path = view.path(d);
  if (ex?.upper) rmSync(path, { recursive: true, force: true });
  if (st.kind === 'symlink') symlinkSync(await fs.readlink(s), path);
  else if (st.kind === 'file') await fs.writeFile(s, path);
  else return; // devices, fifos and sockets are not copied from a context
  applyMeta(path, st, opts);
}

function applyMeta(d: string, st: SrcStat, opts: TreeOptions): void {
  lchownSync(d, opts.keepOwner ? st.uid : opts.uid, opts.keepOwner ? st.gid : opts.gid);
  if (st.kind !== 'symlink') chmodSync(d, opts.mode ?? st.perm);
  lutimesSync(d, st.mtime, st.mtime);
}

/** --chown=user[:group]: numbers as they are, names looked up in the image's passwd and group files. */
export async function resolveChown(view: RootView, spec: string | undefined): Promise<{ uid: number; gid: number }> {
  if (!spec) return { uid: 0, gid: 0 };
  const [user, group = user] = spec.split(':') as [string, string?];
  const lookup = async (file: string, name: string, kind: 'uid' | 'gid'): Promise<number> => {
    if (/^\d+$/.test(name)) return Number(name);
    const found = view.lookup(view.resolve(file, true));
    const text = found ? await readFile(found.path, 'utf8').catch(() => '') : '';
    for (const line of text.split('\n')) {
      const f = line.split(':');
      if (f[0] === name && f.length > 2) return Number(f[2]);
    }
    const what = kind === 'uid' ? `uid for user ${name}: no such user: ${name}` : `gid for group ${name}: no such group: ${name}`;
    throw new InvalidParameter(`unable to convert uid/gid chown string to host mapping: can't find ${what}`);
  };
  return { uid: await lookup('etc/passwd', user, 'uid'), gid: await lookup('etc/group', group!, 'gid') };
}

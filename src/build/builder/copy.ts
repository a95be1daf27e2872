// COPY and ADD, in two phases like the legacy builder: resolve the sources and hash them (the hash goes into
// the step's cache key and its "#(nop) COPY file:<hex> in <dest>" text), then copy into the step's mounted
// rootfs. Docker's rules: a directory source copies its contents; several sources need a destination that
// ends in "/"; a file goes to dest/<name> when dest ends in "/" or is a directory; missing parents are
// created; owners become 0:0 unless --chown (names looked up in the image's /etc/passwd and /etc/group);
// modes and mtimes are kept; ADD unpacks local tar archives (also gz/bz2/xz) and downloads URLs.
import { createHash } from 'node:crypto';
import { createWriteStream, lchownSync, chmodSync, lstatSync, lutimesSync, mkdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, utimes } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { basename, dirname, join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidParameter } from '../../errors.js';
import { decompress, unpackTar } from '../../snapshots/index.js';
import { resolveInContext } from './paths.js';
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
    out.push(await source(fs, clean, cmd, pat));
  }
  if (out.length === 0) throw cmdErr(cmd, 'no source files were specified');
  return out;
}

async function source(fs: SrcFS, rel: string, cmd: string, orig = rel): Promise<Source> {
  const key = await fs.resolve(rel, true);
  const st = await fs.lstat(key);
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

/** Copies the sources into `rootfs` at `dest` (absolute in the image, trailing slash kept). */
export async function copyInto(rootfs: string, sources: Source[], dest: string, cmd: string, opts: CopyOptions, tmp: string): Promise<void> {
  const destIsDir = dest.endsWith('/');
  if (sources.length > 1 && !destIsDir) {
    throw new InvalidParameter(`When using ${cmd} with more than one source file, the destination must be a directory and end with a /`);
  }
  for (const src of sources) {
    const target = await resolveInContext(rootfs, dest, true);
    if (src.st.kind === 'dir') {
      mkdirOwned(rootfs, target, opts);
      await copyTree(src.fs, src.key, target, opts);
      continue;
    }
    if (src.archive) {
      const scratch = await mkdtemp(join(tmp, 'untar-'));
      try {
        await unpackTar(await decompress(src.fs.readStream(src.key)), scratch);
        mkdirOwned(rootfs, target, opts);
        await copyTree(new HostFS(scratch), scratch, target, { ...opts, keepOwner: true });
      } finally { await rm(scratch, { recursive: true, force: true }); }
      continue;
    }
    let existing: boolean;
    try { existing = statSync(target).isDirectory(); } catch { existing = false; }
    const file = destIsDir || existing ? join(target, src.name) : target;
    mkdirOwned(rootfs, dirname(file), opts);
    await copyEntry(src.fs, src.key, file, src.st, opts);
  }
}

const lstatOrUndef = (p: string) => lstatSync(p, { throwIfNoEntry: false });

// Destination writes are synchronous: thousands of small files cost a few syscalls each, and a round trip
// through libuv's thread pool per call would cost more than the calls themselves.
function mkdirOwned(rootfs: string, dir: string, opts: CopyOptions): void {
  const missing: string[] = [];
  for (let d = dir; d.length > rootfs.length && !lstatOrUndef(d); d = dirname(d)) missing.unshift(d);
  for (const d of missing) {
    mkdirSync(d, { mode: 0o755 });
    chmodSync(d, 0o755);
    lchownSync(d, opts.uid, opts.gid);
  }
}

async function copyTree(fs: SrcFS, from: string, to: string, opts: TreeOptions): Promise<void> {
  for (const name of await fs.readdir(from)) {
    const s = fs.child(from, name);
    const d = join(to, name);
    const st = await fs.lstat(s);
    if (!st) continue;
    if (st.kind === 'dir') {
      const ex = lstatOrUndef(d);
      if (ex && !ex.isDirectory()) rmSync(d, { recursive: true, force: true });
      if (!ex || !ex.isDirectory()) mkdirSync(d);
      await copyTree(fs, s, d, opts);
      applyMeta(d, st, opts);
    } else await copyEntry(fs, s, d, st, opts);
  }
}

async function copyEntry(fs: SrcFS, s: string, d: string, st: SrcStat, opts: TreeOptions): Promise<void> {
  if (lstatOrUndef(d)) rmSync(d, { recursive: true, force: true });
  if (st.kind === 'symlink') symlinkSync(await fs.readlink(s), d);
  else if (st.kind === 'file') await fs.writeFile(s, d);
  else return; // devices, fifos and sockets are not copied from a context
  applyMeta(d, st, opts);
}

function applyMeta(d: string, st: SrcStat, opts: TreeOptions): void {
  lchownSync(d, opts.keepOwner ? st.uid : opts.uid, opts.keepOwner ? st.gid : opts.gid);
  if (st.kind !== 'symlink') chmodSync(d, opts.mode ?? st.perm);
  lutimesSync(d, st.mtime, st.mtime);
}

/** --chown=user[:group]: numbers as they are, names looked up in the image's passwd and group files. */
export async function resolveChown(rootfs: string, spec: string | undefined): Promise<{ uid: number; gid: number }> {
  if (!spec) return { uid: 0, gid: 0 };
  const [user, group = user] = spec.split(':') as [string, string?];
  const lookup = async (file: string, name: string, kind: 'uid' | 'gid'): Promise<number> => {
    if (/^\d+$/.test(name)) return Number(name);
    const text = await readFile(await resolveInContext(rootfs, file, true), 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      const f = line.split(':');
      if (f[0] === name && f.length > 2) return Number(f[2]);
    }
    const what = kind === 'uid' ? `uid for user ${name}: no such user: ${name}` : `gid for group ${name}: no such group: ${name}`;
    throw new InvalidParameter(`unable to convert uid/gid chown string to host mapping: can't find ${what}`);
  };
  return { uid: await lookup('etc/passwd', user, 'uid'), gid: await lookup('etc/group', group!, 'gid') };
}

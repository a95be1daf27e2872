// COPY and ADD, in two phases like the legacy builder: resolve the sources and hash them (the hash goes into
// the step's cache key and its "#(nop) COPY file:<hex> in <dest>" text), then copy into the step's mounted
// rootfs. Docker's rules: a directory source copies its contents; several sources need a destination that
// ends in "/"; a file goes to dest/<name> when dest ends in "/" or is a directory; missing parents are
// created; owners become 0:0 unless --chown (names looked up in the image's /etc/passwd and /etc/group);
// modes and mtimes are kept; ADD unpacks local tar archives (also gz/bz2/xz) and downloads URLs.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type Stats } from 'node:fs';
import { chmod, copyFile, lchown, lstat, lutimes, mkdir, mkdtemp, open, readFile, readdir, readlink, rm, stat, symlink, utimes } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { basename, dirname, join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { InvalidParameter } from '../../errors.js';
import { decompress, unpackTar } from '../../snapshots/index.js';
import { resolveInContext } from './paths.js';

export interface Source {
  /** Host path of the source (already resolved in its root). */
  path: string;
  /** Name used when the destination is a directory. */
  name: string;
  st: Stats;
  hash: string;
  /** ADD: unpack this archive instead of copying it. */
  archive: boolean;
  /** ADD URL: keep the file 0600 and name from the URL. */
  url?: boolean;
}

const GLOB = /[*?[]/;

function cmdErr(cmd: string, msg: string): InvalidParameter { return new InvalidParameter(`${cmd} failed: ${msg}`); }

/** Resolves and hashes the sources of one COPY/ADD. `tmp` holds downloads. */
export async function resolveSources(root: string, patterns: string[], cmd: 'COPY' | 'ADD', tmp: string): Promise<Source[]> {
  const out: Source[] = [];
  for (const pat of patterns) {
    if (cmd === 'ADD' && /^https?:\/\//.test(pat)) { out.push(await download(pat, tmp)); continue; }
    const clean = posix.normalize(`/${pat}`).slice(1);
    if (GLOB.test(clean)) {
      const re = globRegex(clean);
      const matched: string[] = [];
      await walkRel(root, '', (rel) => { if (re.test(rel)) matched.push(rel); });
      for (const rel of matched) out.push(await source(root, rel, cmd));
      continue;
    }
    out.push(await source(root, clean, cmd, pat));
  }
  if (out.length === 0) throw cmdErr(cmd, 'no source files were specified');
  return out;
}

async function source(root: string, rel: string, cmd: string, orig = rel): Promise<Source> {
  const path = await resolveInContext(root, rel, true);
  const st = await lstat(path).catch(() => undefined);
  if (!st) throw cmdErr(cmd, `file not found in build context or excluded by .dockerignore: stat ${orig}: file does not exist`);
  const hash = st.isDirectory() ? `dir:${await hashDir(path)}` : `file:${await hashFile(path, st)}`;
  const archive = cmd === 'ADD' && st.isFile() && (await isArchive(path));
  return { path, name: basename(rel) || basename(path), st, hash, archive };
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

async function walkRel(root: string, rel: string, fn: (rel: string) => void): Promise<void> {
  for (const name of (await readdir(join(root, rel))).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    fn(r);
    const st = await lstat(join(root, r));
    if (st.isDirectory()) await walkRel(root, r, fn);
  }
}

/** Content and the metadata that matters (type, mode, size, link target); never mtimes. */
async function hashFile(path: string, st: Stats): Promise<string> {
  const h = createHash('sha256');
  h.update(`${st.mode.toString(8)} ${st.size}\n`);
  if (st.isSymbolicLink()) h.update(await readlink(path));
  else if (st.isFile()) await pipeline(createReadStream(path), h, { end: false });
  return h.digest('hex');
}

async function hashDir(dir: string): Promise<string> {
  const h = createHash('sha256');
  const rels: string[] = [];
  await walkRel(dir, '', (r) => rels.push(r));
  for (const r of rels) {
    const p = join(dir, r);
    const st = await lstat(p);
    h.update(`${r}\0${st.isDirectory() ? `d${st.mode.toString(8)}` : await hashFile(p, st)}\n`);
  }
  return h.digest('hex');
}

export function sourcesHash(sources: Source[]): string {
  if (sources.length === 1) return sources[0]!.hash;
  const h = createHash('sha256');
  for (const s of sources) h.update(`${s.hash}\n`);
  return `multi:${h.digest('hex')}`;
}

async function isArchive(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(512);
    const { bytesRead } = await fh.read(buf, 0, 512, 0);
    const head = buf.subarray(0, bytesRead);
    if (head[0] === 0x1f && head[1] === 0x8b) return true;
    if (head.subarray(0, 3).toString('latin1') === 'BZh') return true;
    if (head[0] === 0xfd && head.subarray(1, 6).toString('latin1') === '7zXZ\0') return true;
    return bytesRead >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar';
  } finally { await fh.close(); }
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
  const st = await lstat(path);
  return { path, name, st, hash: `file:${await hashFile(path, st)}`, archive: false, url: true };
}

export interface CopyOptions {
  uid: number;
  gid: number;
  /** --chmod, applied to every copied file and directory. */
  mode?: number;
}

/** Copies the sources into `rootfs` at `dest` (absolute in the image, trailing slash kept). */
export async function copyInto(rootfs: string, sources: Source[], dest: string, cmd: string, opts: CopyOptions, tmp: string): Promise<void> {
  const destIsDir = dest.endsWith('/');
  if (sources.length > 1 && !destIsDir) {
    throw new InvalidParameter(`When using ${cmd} with more than one source file, the destination must be a directory and end with a /`);
  }
  for (const src of sources) {
    const target = await resolveInContext(rootfs, dest, true);
    if (src.st.isDirectory()) {
      await mkdirOwned(rootfs, target, opts);
      await copyTree(src.path, target, opts);
      continue;
    }
    if (src.archive) {
      const scratch = await mkdtemp(join(tmp, 'untar-'));
      try {
        await unpackTar(await decompress(createReadStream(src.path)), scratch);
        await mkdirOwned(rootfs, target, opts);
        await copyTree(scratch, target, { ...opts, keepOwner: true });
      } finally { await rm(scratch, { recursive: true, force: true }); }
      continue;
    }
    const existing = await stat(target).catch(() => undefined);
    const file = destIsDir || existing?.isDirectory() ? join(target, src.name) : target;
    await mkdirOwned(rootfs, dirname(file), opts);
    await copyEntry(src.path, file, src.st, opts);
  }
}

async function mkdirOwned(rootfs: string, dir: string, opts: CopyOptions): Promise<void> {
  const missing: string[] = [];
  for (let d = dir; d.length > rootfs.length && !(await lstat(d).catch(() => undefined)); d = dirname(d)) missing.unshift(d);
  for (const d of missing) {
    await mkdir(d, { mode: 0o755 });
    await chmod(d, 0o755);
    await lchown(d, opts.uid, opts.gid);
  }
}

async function copyTree(from: string, to: string, opts: CopyOptions & { keepOwner?: boolean }): Promise<void> {
  for (const name of await readdir(from)) {
    const s = join(from, name);
    const d = join(to, name);
    const st = await lstat(s);
    if (st.isDirectory()) {
      const ex = await lstat(d).catch(() => undefined);
      if (ex && !ex.isDirectory()) await rm(d, { recursive: true, force: true });
      if (!ex || !ex.isDirectory()) await mkdir(d);
      await copyTree(s, d, opts);
      await applyMeta(d, st, opts);
    } else await copyEntry(s, d, st, opts);
  }
}

async function copyEntry(s: string, d: string, st: Stats, opts: CopyOptions & { keepOwner?: boolean }): Promise<void> {
  const ex = await lstat(d).catch(() => undefined);
  if (ex) await rm(d, { recursive: true, force: true });
  if (st.isSymbolicLink()) await symlink(await readlink(s), d);
  else if (st.isFile()) await copyFile(s, d);
  else return; // devices, fifos and sockets are not copied from a context
  await applyMeta(d, st, opts);
}

async function applyMeta(d: string, st: Stats, opts: CopyOptions & { keepOwner?: boolean }): Promise<void> {
  const uid = opts.keepOwner ? st.uid : opts.uid;
  const gid = opts.keepOwner ? st.gid : opts.gid;
  await lchown(d, uid, gid);
  if (!st.isSymbolicLink()) await chmod(d, opts.mode ?? (st.mode & 0o7777));
  await lutimes(d, st.atime, st.mtime);
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

// `docker cp` on the daemon side: HEAD/GET/PUT /containers/{id}/archive over the container's rootfs and its
// mounts (ContainerFs). Paths resolve in scope; files are opened with O_NOFOLLOW; a running container is
// frozen (cgroup freezer, as `pause`) while its tree is read or written, so it cannot swap a directory for a
// symlink between our resolution and our open. Archive entries are confined the same way: `..` is refused,
// and every entry's parent is resolved in scope, so a symlink an archive (or the container) planted resolves
// inside the container.
import { constants } from 'node:fs';
import { chmod, lchown, link, lstat, mkdir, open, readdir, readlink, rm, symlink, unlink, utimes } from 'node:fs/promises';
import { posix } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { InvalidParameter, NotFound } from '../errors.js';
import { warn } from '../sys/index.js';
import { ContainerFs } from './container-fs.js';
import type { ContainerManager } from './manager.js';
import type { ContainerRecord } from './types.js';

export interface PathStat { name: string; size: number; mode: number; mtime: string; linkTarget: string }

/** Go's os.FileMode bits from a unix st_mode. */
export function goFileMode(mode: number): number {
  let m = mode & 0o777;
  const type = mode & 0o170000;
  if (type === 0o040000) m |= 2 ** 31;
  else if (type === 0o120000) m |= 2 ** 27;
  else if (type === 0o010000) m |= 2 ** 25;
  else if (type === 0o140000) m |= 2 ** 24;
  else if (type === 0o060000) m |= 2 ** 26;
  else if (type === 0o020000) m |= 2 ** 26 + 2 ** 21;
  if (mode & 0o4000) m |= 2 ** 23;
  if (mode & 0o2000) m |= 2 ** 22;
  if (mode & 0o1000) m |= 2 ** 20;
  return m >>> 0;
}

/** filepath.Join("/", path) keeping a trailing "/" or "/." (archive.PreserveTrailingDotOrSeparator). */
function absPath(path: string): string {
  let p = posix.join('/', path);
  if (path.endsWith('/.') && !p.endsWith('/.')) p = `${p.replace(/\/$/, '')}/.`;
  else if (path.endsWith('/') && !p.endsWith('/')) p += '/';
  return p;
}

const followsLast = (p: string) => p.endsWith('/') || p.endsWith('/.');

/** Runs fn with the container's tree available: a running one frozen, a stopped one's rootfs mounted. */
async function withTree<T>(m: ContainerManager, rec: ContainerRecord, fn: (fs: ContainerFs) => Promise<T>): Promise<T> {
  const rootfs = m.rootfs(rec.Id);
  const running = rec.State.Status === 'running';
  const mountedHere = rec.State.Status !== 'running' && rec.State.Status !== 'paused';
  if (mountedHere) await m.deps.snapshots.mount(rec.Id, rootfs);
  if (running) await m.deps.runtime.pause(rec.Id);
  try {
    return await fn(new ContainerFs(rootfs, rec));
  } finally {
    if (running) await m.deps.runtime.resume(rec.Id).catch((err) => warn('containers', `resume ${rec.Id} after cp: ${err.message}`));
    if (mountedHere && rec.State.Status !== 'running' && rec.State.Status !== 'paused') await m.deps.snapshots.unmount(rec.Id).catch(() => undefined);
  }
}

async function statIn(fs: ContainerFs, rec: ContainerRecord, path: string): Promise<{ stat: PathStat; parts: string[] }> {
  const abs = absPath(path);
  const parts = await fs.resolve(abs, followsLast(abs));
  const st = await lstat(fs.hostPath(parts)).catch(() => undefined);
  if (!st) throw new NotFound(`Could not find the file ${path} in container ${rec.Name.slice(1)}`);
  let linkTarget = '';
  if (st.isSymbolicLink()) linkTarget = `/${(await fs.resolve(abs, true)).join('/')}`;
  const name = abs.endsWith('/.') ? '.' : posix.basename(abs.replace(/\/+$/, '')) || '/';
  return { stat: { name, size: st.size, mode: goFileMode(st.mode), mtime: st.mtime.toISOString().replace('.000Z', 'Z'), linkTarget }, parts };
}

export async function statPath(m: ContainerManager, ref: string, path: string): Promise<PathStat> {
  const rec = m.store.get(ref);
  return withTree(m, rec, async (fs) => (await statIn(fs, rec, path)).stat);
}

/** GET archive: a tar of the path, its top entry named after the path's base ("." for "dir/."). */
export async function getArchive(m: ContainerManager, ref: string, path: string): Promise<{ stat: PathStat; tar: Readable }> {
  const rec = m.store.get(ref);
  const out = new PassThrough();
  const ready = new Promise<PathStat>((resolve, reject) => {
    withTree(m, rec, async (fs) => {
      const { stat, parts } = await statIn(fs, rec, path);
      resolve(stat);
      const pack = tar.pack();
      const piping = pipeline(pack, out).catch(() => undefined);
      await packTree(fs, pack, parts, stat.name === '/' ? '.' : stat.name).catch((err) => out.destroy(err));
      pack.finalize();
      await piping;
    }).catch(reject);
  });
  return { stat: await ready, tar: out };
}

type Owners = { user: Map<number, string>; group: Map<number, string> };

/**
 * The container's own user and group names (its /etc/passwd and /etc/group, regular files only): dockerd
 * 20.10 tars a container's files inside a chroot of its rootfs, where Go's user lookups read those files,
 * so a root-owned entry says root/root and an id the container does not name stays numeric.
 */
async function containerOwners(fs: Pick<ContainerFs, 'hostPath'>): Promise<Owners> {
  const table = async (file: string): Promise<Map<number, string>> => {
    const out = new Map<number, string>();
    const path = fs.hostPath(['etc', file]);
    // Never through a symlinked /etc (it could name the host's files).
    if (!(await lstat(fs.hostPath(['etc'])).catch(() => undefined))?.isDirectory()) return out;
    if (!(await lstat(path).catch(() => undefined))?.isFile()) return out;
    const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => undefined);
    if (!fh) return out;
    try {
      for (const line of (await fh.readFile('utf8')).split('\n')) {
        const f = line.split(':');
        if (f.length >= 3 && f[0] && /^\d+$/.test(f[2]!) && !out.has(Number(f[2]))) out.set(Number(f[2]), f[0]);
      }
    } finally { await fh.close(); }
    return out;
  };
  return { user: await table('passwd'), group: await table('group') };
}

async function packTree(fs: Pick<ContainerFs, 'hostPath'>, pack: tar.Pack, parts: string[], name: string, owners?: Owners): Promise<void> {
  const names = owners ?? await containerOwners(fs);
  const host = fs.hostPath(parts);
  const st = await lstat(host);
  const base = { name, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime, uname: names.user.get(st.uid) ?? '', gname: names.group.get(st.gid) ?? '' };
  if (st.isDirectory()) {
    pack.entry({ ...base, name: `${name}/`, type: 'directory' });
    for (const child of (await readdir(host)).sort()) await packTree(fs, pack, [...parts, child], `${name}/${child}`, names);
  } else if (st.isSymbolicLink()) {
    pack.entry({ ...base, type: 'symlink', linkname: await readlink(host) });
  } else if (st.isFile()) {
    // O_NOFOLLOW: a file replaced by a symlink after lstat is refused, never followed.
    const fh = await open(host, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const entry = pack.entry({ ...base, type: 'file', size: st.size });
      await pipeline(fh.createReadStream({ autoClose: false, start: 0, end: Math.max(0, st.size - 1) }), entry);
    } finally { await fh.close(); }
  }
}

/**
 * GET /containers/{id}/export: the container's filesystem (image layers and writable layer, not its volumes
 * or bind mounts) as a tar whose entries are named without a leading "./", as `docker export` writes them.
 * Unlike cp it does not freeze a running container: docker export reads the live tree too.
 */
export async function exportRootfs(m: ContainerManager, ref: string): Promise<Readable> {
  const rec = m.store.get(ref);
  const rootfs = m.rootfs(rec.Id);
  const mountedHere = rec.State.Status !== 'running' && rec.State.Status !== 'paused';
  if (mountedHere) await m.deps.snapshots.mount(rec.Id, rootfs);
  const fs = { hostPath: (parts: string[]) => posix.join(rootfs, ...parts) };
  const pack = tar.pack();
  const out = new PassThrough();
  pipeline(pack, out).catch((err: Error) => out.destroy(err));
  void (async () => {
    try {
      const owners = await containerOwners(fs);
      for (const child of (await readdir(rootfs)).sort()) await packTree(fs, pack, [child], child, owners);
      pack.finalize();
    } catch (err) {
      out.destroy(err as Error);
    } finally {
      if (mountedHere && rec.State.Status !== 'running' && rec.State.Status !== 'paused') await m.deps.snapshots.unmount(rec.Id).catch(() => undefined);
    }
  })();
  return out;
}

export interface PutOptions { path: string; noOverwriteDirNonDir: boolean; copyUIDGID: boolean }

/** PUT archive: extracts into an existing directory of the container, every entry confined to it. */
export async function putArchive(m: ContainerManager, ref: string, opts: PutOptions, body: Readable): Promise<void> {
  const rec = m.store.get(ref);
  await withTree(m, rec, async (fs) => {
    const abs = absPath(opts.path);
    const dirParts = await fs.resolve(abs, true);
    const st = await lstat(fs.hostPath(dirParts)).catch(() => undefined);
    if (!st) throw new NotFound(`Could not find the file ${opts.path} in container ${rec.Name.slice(1)}`);
    if (!st.isDirectory()) throw new InvalidParameter('extraction point is not a directory');
    const extract = tar.extract();
    const consume = (async () => {
      for await (const entry of extract) {
        const e = entry as unknown as TarEntry;
        try { await writeEntry(fs, dirParts, e, opts); } finally { e.resume(); }
      }
    })();
    await Promise.all([pipeline(body, extract), consume]);
  });
}

interface TarEntry extends Readable {
  header: { name: string; type: string; mode?: number; uid?: number; gid?: number; mtime?: Date; linkname?: string | null };
}

async function writeEntry(fs: ContainerFs, dirParts: string[], entry: TarEntry, opts: PutOptions): Promise<void> {
  const h = entry.header;
  const rel = posix.normalize(h.name.replace(/^\/+/, ''));
  if (rel === '..' || rel.startsWith('../')) throw new InvalidParameter(`invalid tar entry "${h.name}": path is outside of the destination`);
  if (rel === '.' || rel === './') return;
  const clean = rel.replace(/\/+$/, '');
  const parent = await fs.resolve(`/${[...dirParts, posix.dirname(clean)].join('/')}`, true);
  const parts = [...parent, posix.basename(clean)];
  const target = fs.hostPath(parts);
  const existing = await lstat(target).catch(() => undefined);
  const uid = opts.copyUIDGID ? h.uid ?? 0 : 0;
  const gid = opts.copyUIDGID ? h.gid ?? 0 : 0;
  if (h.type === 'directory') {
    if (existing && !existing.isDirectory()) {
      if (opts.noOverwriteDirNonDir) throw new InvalidParameter(`cannot overwrite non-directory "${h.name}" with directory`);
      await rm(target, { force: true });
    }
    if (!existing?.isDirectory()) await mkdir(target, { mode: 0o700 });
  } else {
    if (existing?.isDirectory()) {
      if (opts.noOverwriteDirNonDir) throw new InvalidParameter(`cannot overwrite directory "${h.name}" with non-directory`);
      await rm(target, { recursive: true, force: true });
    } else if (existing) {
      await unlink(target);
    }
    if (h.type === 'file' || h.type === 'contiguous-file') {
      const fh = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      await pipeline(entry, fh.createWriteStream());
    } else if (h.type === 'symlink') {
      await symlink(h.linkname ?? '', target);
    } else if (h.type === 'link') {
      const src = fs.hostPath(await fs.resolve(`/${[...dirParts, posix.normalize(String(h.linkname).replace(/^\/+/, ''))].join('/')}`, false));
      await link(src, target);
    } else {
      return; // devices, fifos: not copied in
    }
  }
  await lchown(target, uid, gid);
  if (h.type !== 'symlink') {
    await chmod(target, (h.mode ?? 0o644) & 0o7777);
    if (h.mtime) await utimes(target, h.mtime, h.mtime);
  }
}

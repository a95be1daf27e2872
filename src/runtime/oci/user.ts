// resolveUser: Docker's `--user` ("", "name", "uid", "name:group", "uid:gid") against the container's own
// /etc/passwd and /etc/group, as libcontainer's GetExecUserPath does for dockerd. Files are opened through
// a scoped path walk so a symlink in the image (/etc/passwd -> /host/etc/passwd) cannot reach outside the
// rootfs.
import { lstat, readFile, readlink } from 'node:fs/promises';
import { posix } from 'node:path';
import { InvalidParameter } from '../../errors.js';

export interface ResolvedUser { uid: number; gid: number; additionalGids: number[] }

/** Resolves `path` inside `root` like a chroot would: absolute symlinks restart at root, ".." stops at root. */
export async function scopedPath(root: string, path: string): Promise<string> {
  const todo = path.split('/').filter(Boolean);
  const done: string[] = [];
  let links = 0;
  while (todo.length) {
    const part = todo.shift()!;
    if (part === '.') continue;
    if (part === '..') { done.pop(); continue; }
    const full = posix.join(root, ...done, part);
    const st = await lstat(full).catch(() => undefined);
    if (!st?.isSymbolicLink()) { done.push(part); continue; }
    if (++links > 255) throw new InvalidParameter(`too many symlinks resolving ${path}`);
    const target = await readlink(full);
    if (target.startsWith('/')) done.length = 0;
    todo.unshift(...target.split('/').filter(Boolean));
  }
  return posix.join(root, ...done);
}

async function readTable(root: string, file: string): Promise<string[][]> {
  const p = await scopedPath(root, file);
  const text = await readFile(p, 'utf8').catch(() => '');
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
}

const isNum = (s: string): boolean => /^\d+$/.test(s);

function parseId(s: string, what: string): number {
  const n = Number(s);
  if (n > 2 ** 31 - 1) throw new InvalidParameter(`${what} ${s} is out of range`);
  return n;
}

export async function resolveUser(rootfs: string, spec: string): Promise<ResolvedUser> {
  const [userPart = '', groupPart] = spec.split(':', 2) as [string, string | undefined];
  const passwd = await readTable(rootfs, '/etc/passwd');
  const groups = await readTable(rootfs, '/etc/group');
  const wanted = userPart === '' ? '0' : userPart;
  const entry = passwd.find((f) => f[0] === wanted || (isNum(wanted) && f[2] === wanted));
  if (!entry && !isNum(wanted)) throw new InvalidParameter(`unable to find user ${wanted}: no matching entries in passwd file`);
  const uid = entry ? Number(entry[2]) : parseId(wanted, 'uid');
  const name = entry?.[0];
  if (groupPart !== undefined && groupPart !== '') {
    const g = groups.find((f) => f[0] === groupPart || (isNum(groupPart) && f[2] === groupPart));
    if (!g && !isNum(groupPart)) throw new InvalidParameter(`unable to find group ${groupPart}: no matching entries in group file`);
    const gid = g ? Number(g[2]) : parseId(groupPart, 'gid');
    // An explicit group replaces supplementary groups (observed: -u alice:staff -> additionalGids [50]).
    return { uid, gid, additionalGids: [gid] };
  }
  const gid = entry ? Number(entry[3]) : 0;
  // The primary group first, then every group listing the user as a member, in file order.
  const extra = name ? groups.filter((f) => (f[3] ?? '').split(',').includes(name)).map((f) => Number(f[2])) : [];
  return { uid, gid, additionalGids: [...new Set([gid, ...extra])] };
}

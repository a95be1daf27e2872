// Resolving a path inside a container's root without leaving it (moby's symlink.FollowSymlinkInScope):
// every component is lstat'ed; absolute symlink targets restart at the root and `..` never climbs above it,
// so whatever the container planted, the result names a path under `root`.
import { lstat, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { InvalidParameter } from '../errors.js';

const MAX_LINKS = 255; // moby's maxSymlinkLimit

/**
 * Returns root + the in-scope resolution of `path`. The last component is followed too when it is a symlink
 * (unless `keepLast`); components that do not exist are kept as they are (the rest is appended lexically).
 */
export async function resolveInScope(root: string, path: string, keepLast = false): Promise<string> {
  const todo = path.split('/').filter((c) => c !== '' && c !== '.');
  const done: string[] = [];
  let links = 0;
  while (todo.length) {
    const c = todo.shift()!;
    if (c === '..') { done.pop(); continue; }
    if (keepLast && todo.length === 0) { done.push(c); break; }
    const p = join(root, ...done, c);
    const st = await lstat(p).catch(() => undefined);
    if (st?.isSymbolicLink()) {
      if (++links > MAX_LINKS) throw new InvalidParameter(`FollowSymlinkInScope: too many links in ${posix.join('/', path)}`);
      const target = await readlink(p);
      if (target.startsWith('/')) done.length = 0;
      todo.unshift(...target.split('/').filter((x) => x !== '' && x !== '.'));
      continue;
    }
    done.push(c);
  }
  return join(root, ...done);
}

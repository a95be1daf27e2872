// A container's file tree as `cp` sees it: the rootfs with its volume and bind mounts laid over it, and
// path resolution that never leaves it (moby's FollowSymlinkInScope over the merged view): every component is
// lstat'ed on the host path it maps to, absolute symlink targets restart at the container's root and `..`
// stops there. Callers open the final component with O_NOFOLLOW, so a symlink swapped in after resolution
// fails instead of being followed.
import { lstat, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { InvalidParameter } from '../errors.js';
import type { ContainerRecord } from './types.js';

const MAX_LINKS = 255;

export class ContainerFs {
  private readonly mounts: Array<{ dest: string[]; source: string }>;

  constructor(readonly rootfs: string, rec: ContainerRecord) {
    this.mounts = (rec.MountPoints ?? [])
      .filter((mp) => mp.Type !== 'tmpfs' && mp.Source)
      .map((mp) => ({ dest: mp.Destination.split('/').filter(Boolean), source: mp.Source }))
      .sort((a, b) => b.dest.length - a.dest.length);
  }

  /** The host path of a resolved container path (components without links). */
  hostPath(parts: string[]): string {
    for (const m of this.mounts) {
      if (m.dest.length <= parts.length && m.dest.every((c, i) => parts[i] === c)) return join(m.source, ...parts.slice(m.dest.length));
    }
    return join(this.rootfs, ...parts);
  }

  /** Resolves `path` in scope; the last component is followed only when `followLast`. */
  async resolve(path: string, followLast: boolean): Promise<string[]> {
    const todo = path.split('/').filter((c) => c !== '' && c !== '.');
    const done: string[] = [];
    let links = 0;
    while (todo.length) {
      const c = todo.shift()!;
      if (c === '..') { done.pop(); continue; }
      if (!followLast && todo.length === 0) { done.push(c); break; }
      const st = await lstat(this.hostPath([...done, c])).catch(() => undefined);
      if (st?.isSymbolicLink()) {
        if (++links > MAX_LINKS) throw new InvalidParameter(`FollowSymlinkInScope: too many links in ${posix.join('/', path)}`);
        const target = await readlink(this.hostPath([...done, c]));
        if (target.startsWith('/')) done.length = 0;
        todo.unshift(...target.split('/').filter((x) => x !== '' && x !== '.'));
        continue;
      }
      done.push(c);
    }
    return done;
  }
}

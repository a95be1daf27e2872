// Resolving archive paths inside an unpack root without ever leaving it. Docker unpacks in a chroot
// (chrootarchive) so an absolute symlink points at the image's own root; we get the same semantics by
// resolving every parent component ourselves with lstat: absolute symlink targets restart at the root, and
// any `..` that would climb above the root is refused as a breakout.
import { lstatSync, mkdirSync, readlinkSync } from 'node:fs';
import { join, posix } from 'node:path';
import { InvalidParameter } from '../errors.js';

const MAX_LINKS = 40; // Linux's MAXSYMLINKS (ELOOP)

/**
 * Cleans an archive entry name to a relative path ('' is the root). A leading '/' is stripped (docker
 * import does the same: filepath.Join(dest, "/etc/x") is dest/etc/x); a name that climbs out is refused.
 */
export function cleanEntryName(name: string): string {
  const rel = posix.normalize(name.replace(/^\/+/, '') || '.');
  if (rel === '..' || rel.startsWith('../')) throw new InvalidParameter(`invalid tar entry "${name}": path is outside of the destination`);
  return rel === '.' || rel === './' ? '' : rel.replace(/\/+$/, '');
}

/** True when a symlink at `rel` pointing to `target` escapes the root lexically (Docker's breakout check). */
export function symlinkEscapes(rel: string, target: string): boolean {
  if (target.startsWith('/')) return false; // rooted at the image root, like chroot
  const lexical = posix.normalize(posix.join(posix.dirname(rel), target));
  return lexical === '..' || lexical.startsWith('../');
}

/**
 * Resolves the directory `relDir` under `root`, following symlinks inside the root only; missing components
 * are created 0755 when `create` (Docker's MkdirAll of parents). Returns a real directory path under root.
 */
export function resolveDir(root: string, relDir: string, create: boolean, entry = relDir): string {
  const todo = relDir.split('/').filter((c) => c !== '' && c !== '.');
  const done: string[] = [];
  let links = 0;
  while (todo.length > 0) {
    const c = todo.shift()!;
    if (c === '..') {
      if (done.length === 0) throw breakout(entry);
      done.pop();
      continue;
    }
    const p = join(root, ...done, c);
    const st = lstatSync(p, { throwIfNoEntry: false });
    if (!st) {
      if (!create) throw new InvalidParameter(`invalid tar entry "${entry}": no such directory "${[...done, c].join('/')}"`);
      mkdirSync(p, { mode: 0o755 });
    } else if (st.isSymbolicLink()) {
      if (++links > MAX_LINKS) throw new InvalidParameter(`invalid tar entry "${entry}": too many levels of symbolic links`);
      const target = readlinkSync(p);
      if (target.startsWith('/')) done.length = 0;
      todo.unshift(...target.split('/').filter((x) => x !== '' && x !== '.'));
      continue;
    } else if (!st.isDirectory()) {
      throw new InvalidParameter(`invalid tar entry "${entry}": "${[...done, c].join('/')}" is not a directory`);
    }
    done.push(c);
  }
  return join(root, ...done);
}

function breakout(entry: string): InvalidParameter {
  return new InvalidParameter(`invalid tar entry "${entry}": path resolves through a symlink to outside of the destination`);
}

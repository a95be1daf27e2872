// Filling an empty volume from the image's content at the mount destination (dockerd's copyExistingContents):
// owners, modes, times and symlinks are kept; nothing is ever followed out of the container's root (the
// source is resolved in scope and the tree is walked with lstat, before the container's process exists).
import { chmod, copyFile, lchown, lstat, mkdir, readdir, readlink, symlink, utimes, lutimes } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import { native } from '../sys/index.js';
import { resolveInScope } from './scope.js';

/** Copies rootfs:dest into volumeDir when volumeDir is empty and the source is a directory. */
export async function copyUp(rootfs: string, dest: string, volumeDir: string): Promise<boolean> {
  const src = await resolveInScope(rootfs, dest);
  const st = await lstat(src).catch(() => undefined);
  if (!st?.isDirectory()) return false;
  if ((await readdir(volumeDir)).length) return false;
  await copyTree(src, volumeDir);
  await lchown(volumeDir, st.uid, st.gid);
  await chmod(volumeDir, st.mode & 0o7777);
  return true;
}

async function copyTree(src: string, dst: string): Promise<void> {
  for (const name of await readdir(src)) {
    const s = join(src, name);
    const d = join(dst, name);
    const st = await lstat(s);
    if (st.isDirectory()) {
      await mkdir(d, { mode: 0o700 });
      await copyTree(s, d);
    } else if (st.isSymbolicLink()) {
      await symlink(await readlink(s), d);
    } else if (st.isFile()) {
      await copyFile(s, d, constants.COPYFILE_EXCL);
    } else if (st.isCharacterDevice() || st.isBlockDevice() || st.isFIFO()) {
      const kind = st.isCharacterDevice() ? native.S_IFCHR : st.isBlockDevice() ? native.S_IFBLK : native.S_IFIFO;
      native.mknod(d, kind | (st.mode & 0o7777), Math.floor(st.rdev / 256) & 0xfff, (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00));
    } else {
      continue; // sockets are not copied (dockerd skips them too)
    }
    await lchown(d, st.uid, st.gid);
    if (!st.isSymbolicLink()) {
      await chmod(d, st.mode & 0o7777);
      await utimes(d, st.atime, st.mtime);
    } else {
      await lutimes(d, st.atime, st.mtime).catch(() => undefined);
    }
  }
}

// Path resolution inside a root (the build context or a mounted rootfs), moby's FollowSymlinkInScope: every
// symlink is resolved as if `root` were "/", so ".." and absolute targets never leave the root.
import { lstat, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The host path of `rel` under `root` with symlinks resolved in scope. With `followFinal` false the last
 * component is not resolved (COPY copies a symlink it names as a symlink only when it is not the source root).
 */
export async function resolveInContext(root: string, rel: string, followFinal = true): Promise<string> {
  const parts = rel.split('/').filter((p) => p !== '' && p !== '.');
  const out: string[] = [];
  let hops = 0;
  while (parts.length > 0) {
    const p = parts.shift()!;
    if (p === '..') { out.pop(); continue; }
    const candidate = join(root, ...out, p);
    const st = await lstat(candidate).catch(() => undefined);
    if (st?.isSymbolicLink() && (followFinal || parts.length > 0)) {
      if (++hops > 255) throw new Error(`too many links in ${rel}`);
      const target = await readlink(candidate);
      if (target.startsWith('/')) out.length = 0;
      parts.unshift(...target.split('/').filter((x) => x !== '' && x !== '.'));
      continue;
    }
    out.push(p);
  }
  return join(root, ...out);
}

// A step's rootfs without mounting it: lookups walk the layer dirs top-down the way overlayfs merges them
// (a whiteout or a non-directory hides what is below, an opaque directory hides lower layers' contents), and
// writes go straight into the snapshot's upper dir, which becomes the step's layer. Creating files through an
// overlay mount costs far more per file (every create is a copy-up/whiteout check in the kernel) than
// creating them in a plain directory. Directories that exist only in a lower layer are copied up first
// (owner, mode; their times restored afterwards unless something was created in them), as overlayfs does.
import { type Stats, chmodSync, lchownSync, lstatSync, lutimesSync, mkdirSync, readlinkSync, rmSync } from 'node:fs';
import { join, posix } from 'node:path';
import { InvalidParameter } from '../../errors.js';
import { native } from '../../sys/index.js';

const isWhiteout = (st: Stats): boolean => st.isCharacterDevice() && st.rdev === 0;
const isOpaque = (path: string): boolean => native.getXattr(path, 'trusted.overlay.opaque')?.toString() === 'y';
const lst = (p: string): Stats | undefined => lstatSync(p, { throwIfNoEntry: false });

export interface Found { st: Stats; path: string; upper: boolean }

export class RootView {
  private readonly copiedUp = new Map<string, Stats>();
  private readonly touched = new Set<string>();

  constructor(readonly upper: string, private readonly lowers: readonly string[]) {}

  /** The entry at `rel` (clean, relative) in the merged view, without following a final symlink. */
  lookup(rel: string): Found | undefined {
    const parts = rel.split('/').filter((p) => p !== '');
    const layers = [this.upper, ...this.lowers];
    for (let li = 0; li < layers.length; li++) {
      const L = layers[li]!;
      let opaque = false;
      let missing = false;
      for (let i = 0; i < parts.length; i++) {
        const p = join(L, ...parts.slice(0, i + 1));
        const st = lst(p);
        if (!st) { missing = true; break; }
        if (isWhiteout(st)) return undefined;
        if (i === parts.length - 1) return { st, path: p, upper: li === 0 };
        if (!st.isDirectory()) return undefined;
        if (isOpaque(p)) opaque = true;
      }
      if (parts.length === 0) return { st: lst(L)!, path: L, upper: li === 0 };
      if (opaque && missing) return undefined;
    }
    return undefined;
  }

  /** moby's FollowSymlinkInScope over the view: `rel` with symlinks resolved, never leaving the root. */
  resolve(rel: string, followFinal = true): string {
    const parts = rel.split('/').filter((p) => p !== '' && p !== '.');
    const out: string[] = [];
    let hops = 0;
    while (parts.length > 0) {
      const p = parts.shift()!;
      if (p === '..') { out.pop(); continue; }
      const f = this.lookup([...out, p].join('/'));
      if (f?.st.isSymbolicLink() && (followFinal || parts.length > 0)) {
        if (++hops > 255) throw new InvalidParameter(`too many links in ${rel}`);
        const target = readlinkSync(f.path);
        if (target.startsWith('/')) out.length = 0;
        parts.unshift(...target.split('/').filter((x) => x !== '' && x !== '.'));
        continue;
      }
      out.push(p);
    }
    return out.join('/');
  }

  /** The upper-dir path of `rel`. */
  path(rel: string): string { return join(this.upper, rel); }

  /**
   * Makes `rel` a directory in the upper dir: missing ones are created (0755, `uid`:`gid`, like
   * MkdirAllAndChownNew), ones only in a lower layer are copied up with their owner and mode.
   */
  ensureDir(rel: string, uid: number, gid: number): void {
    const parts = rel.split('/').filter((p) => p !== '');
    for (let i = 0; i < parts.length; i++) {
      const r = parts.slice(0, i + 1).join('/');
      const up = lst(this.path(r));
      if (up?.isDirectory()) continue;
      if (up) rmSync(this.path(r), { recursive: true, force: true });
      const f = up ? undefined : this.lookup(r);
      if (f?.st.isDirectory()) {
        mkdirSync(this.path(r));
        lchownSync(this.path(r), f.st.uid, f.st.gid);
        chmodSync(this.path(r), f.st.mode & 0o7777);
        this.copiedUp.set(r, f.st);
        continue;
      }
      this.created(r);
      this.mkdirNew(r, f !== undefined || up !== undefined);
      chmodSync(this.path(r), 0o755);
      lchownSync(this.path(r), uid, gid);
    }
  }

  /** A new directory; over a lower non-directory it is opaque, as overlayfs makes it. */
  mkdirNew(rel: string, overNonDir: boolean): void {
    mkdirSync(this.path(rel), { mode: 0o755 });
    if (overNonDir) native.setXattr(this.path(rel), 'trusted.overlay.opaque', 'y');
  }

  /** Records that an entry was created under `rel`'s parent (its mtime is then "now", as in overlayfs). */
  created(rel: string): void { this.touched.add(posix.dirname(rel) === '.' ? '' : posix.dirname(rel)); }

  /** Copy-up keeps a directory's times; only directories something was created in show the new time. */
  finish(): void {
    for (const [rel, st] of this.copiedUp) {
      if (!this.touched.has(rel) && lst(this.path(rel))?.isDirectory()) lutimesSync(this.path(rel), st.atime, st.mtime);
    }
  }
}

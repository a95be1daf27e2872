// Streaming tar unpacking into an (empty) layer directory, the one place wharf applies archives. Matches
// Docker's archive.Unpack with the overlay whiteout converter: `.wh.<name>` becomes a 0:0 char device,
// `.wh..wh..opq` sets trusted.overlay.opaque=y on its directory, other `.wh..wh.` entries (AUFS metadata)
// are skipped. Modes, owners, mtimes, symlinks, hardlinks, devices and PAX SCHILY.xattr.* are kept.
// Hostile names (`..`, symlink or hardlink breakouts) throw InvalidParameter; the caller removes the dir.
// Each entry's syscalls (lstat, mkdir, symlink, chown, chmod, utimes, open, writev, close) are synchronous,
// as in dockerd's Go unpacker: they take microseconds, while an async call is a thread-pool round trip of
// tens to hundreds (busybox's 281 entries took 200 ms of CPU and 0.3-1 s under load that way). Only the
// removal of what an entry replaces (possibly a whole tree) and the opt-in fdatasyncs stay asynchronous.
import { chmodSync, close, closeSync, constants, fdatasync, lchownSync, linkSync, lstatSync, lutimesSync, mkdirSync, openSync, symlinkSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { InvalidParameter } from '../errors.js';
import { writevAllSync } from '../store/index.js';
import { native } from '../sys/index.js';
import { cleanEntryName, resolveDir, symlinkEscapes } from './safe-path.js';
import type { TarSplitWriter } from './tar-split.js';

const WH_PREFIX = '.wh.';
const WH_META_PREFIX = '.wh..wh.';
const WH_OPAQUE = '.wh..wh..opq';
const XATTR_PAX = 'SCHILY.xattr.';
const WRITE_BATCH = 1 << 20;
const WRITEBACK_STEP = 8 << 20;

interface DirTimes { path: string; mtime: Date }

export interface UnpackOptions {
  /**
   * Make every regular file's data durable (fdatasync, a few at a time while the unpack goes on) before
   * resolving (layers ask for it only with WHARF_SYNC_LAYERS=1: store's syncLayerData). Only our own files are flushed: syncfs(2) would also wait for whatever else is dirty on
   * the filesystem (another engine's pull), fsync of the metadata is left to the caller's final directory
   * fsync, which commits the journal with every creation before it.
   */
  sync?: boolean;
  /** Records the tar as it is unpacked (tar-split.ts): sees every byte and each file written. */
  split?: TarSplitWriter;
}

/** Unpacks the (uncompressed) tar `input` into `dest`, which must exist. */
export async function unpackTar(input: Readable, dest: string, opts: UnpackOptions = {}): Promise<void> {
  const syncer = opts.sync ? new Syncer() : undefined;
  const extract = tar.extract();
  // A failing input (a pull whose download broke) fails the unpack at once: tar-stream does not always end
  // the entry being written when it is destroyed, and the loop would wait for the rest of that file.
  let failInput: (err: Error) => void = () => undefined;
  const inputFailed = new Promise<never>((_, reject) => { failInput = reject; });
  input.on('error', (err) => { failInput(err); extract.destroy(err); });
  // It may have failed before we got here (the applier waited for a lock or a mkdir).
  if (input.errored) throw input.errored;
  if (input.destroyed && !input.readableEnded) throw new InvalidParameter('layer stream closed before its end');
  const split = opts.split;
  if (split) input.on('data', (c: Buffer) => split.tap(c));
  input.pipe(extract);
  const dirs: DirTimes[] = [];
  const loop = (async () => {
    for await (const entry of extract) {
      try {
        await applyEntry(dest, entry.header, entry, dirs, syncer, split);
      } finally {
        entry.resume();
      }
    }
  })();
  loop.catch(() => undefined); // when the input failed first, the loop's own end no longer matters
  try {
    await Promise.race([loop, inputFailed]);
  } catch (err) {
    input.unpipe(extract);
    input.destroy();
    extract.destroy();
    await syncer?.drain().catch(() => undefined);
    throw err;
  }
  // Directory mtimes last: creating children changed them (Docker does the same after the walk).
  for (const d of dirs.reverse()) lutimesSync(d.path, d.mtime, d.mtime);
  await syncer?.drain();
}

/** The fdatasyncs of an unpack's files, at most a few in flight (each holds a thread-pool thread). */
class Syncer {
  private readonly inFlight = new Set<Promise<void>>();
  private failed?: Error;

  /** Takes over `fd`: synced, then closed. Waits while too many are in flight. */
  async add(fd: number): Promise<void> {
    const p: Promise<void> = new Promise<void>((resolve) => fdatasync(fd, (err) => {
      if (err) this.failed ??= err;
      close(fd, () => resolve());
    })).finally(() => { this.inFlight.delete(p); });
    this.inFlight.add(p);
    while (this.inFlight.size >= 2) await Promise.race(this.inFlight);
  }

  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
    if (this.failed) throw this.failed;
  }
}

async function applyEntry(dest: string, h: tar.Header, body: AsyncIterable<unknown>, dirs: DirTimes[], syncer?: Syncer, split?: TarSplitWriter): Promise<void> {
  const rel = cleanEntryName(h.name);
  if (rel === '') {
    if (h.type === 'directory') applyMeta(dest, h, dirs);
    return;
  }
  const base = posix.basename(rel);
  const parent = resolveDir(dest, posix.dirname(rel), true, h.name);
  if (base.startsWith(WH_PREFIX)) return applyWhiteout(parent, base, split);
  const path = join(parent, base);
  const existing = lstatSync(path, { throwIfNoEntry: false });
  if (existing && !(existing.isDirectory() && h.type === 'directory')) await remove(path, split);
  switch (h.type) {
    case 'directory':
      if (!existing) mkdirSync(path, { mode: 0o700 });
      break;
    case 'file':
    case 'contiguous-file':
      // tar-stream's header.byteOffset: where the contents start in the archive.
      split?.file((h as { byteOffset?: number }).byteOffset, h.size ?? 0, path);
      await writeRegular(path, body, syncer);
      break;
    case 'symlink':
      if (symlinkEscapes(rel, h.linkname ?? '')) throw new InvalidParameter(`invalid symlink "${h.name}" -> "${h.linkname}"`);
      symlinkSync(h.linkname ?? '', path);
      break;
    case 'link':
      linkSync(hardlinkTarget(dest, h), path);
      return; // a hardlink shares its target's inode and metadata
    case 'character-device':
    case 'block-device':
    case 'fifo':
      native.mknod(path, deviceType(h.type), h.devmajor ?? 0, h.devminor ?? 0);
      break;
    default:
      return; // GNU/PAX extension records are consumed by tar-stream; anything else is ignored like Docker
  }
  applyMeta(path, h, dirs);
}

/** Removes what an entry replaces; what the tar-split record still refers to is moved aside instead. */
async function remove(path: string, split?: TarSplitWriter): Promise<void> {
  if (split && await split.displace(path)) return;
  await rm(path, { recursive: true, force: true });
}

async function applyWhiteout(parent: string, base: string, split?: TarSplitWriter): Promise<void> {
  if (base === WH_OPAQUE) {
    native.setXattr(parent, 'trusted.overlay.opaque', 'y');
    return;
  }
  if (base.startsWith(WH_META_PREFIX)) return;
  const target = join(parent, base.slice(WH_PREFIX.length));
  await remove(target, split);
  native.mknod(target, native.S_IFCHR, 0, 0);
}

async function writeRegular(path: string, body: AsyncIterable<unknown>, syncer?: Syncer): Promise<void> {
  // O_EXCL|O_NOFOLLOW: the name was just cleared, so anything there now (a planted symlink) is refused.
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  let handedOver = false;
  try {
    // Chunks come in tens of KB: gathered into one writev per MiB.
    let batch: Uint8Array[] = [];
    let bytes = 0;
    let written = 0;
    let kicked = 0;
    for await (const chunk of body) {
      batch.push(chunk as Uint8Array);
      bytes += (chunk as Uint8Array).length;
      if (bytes >= WRITE_BATCH || batch.length >= 256) {
        writevAllSync(fd, batch, bytes);
        written += bytes;
        batch = [];
        bytes = 0;
        // A big file goes to disk while it is written, so the final fdatasync has little left to wait for.
        if (syncer && written - kicked >= WRITEBACK_STEP) { native.startWriteback(fd, kicked, written - kicked); kicked = written; }
      }
    }
    if (batch.length) writevAllSync(fd, batch, bytes);
    if (syncer) { handedOver = true; await syncer.add(fd); }
  } finally {
    if (!handedOver) closeSync(fd);
  }
}

function hardlinkTarget(dest: string, h: tar.Header): string {
  const name = h.linkname ?? '';
  let rel: string;
  try { rel = cleanEntryName(name); } catch { throw new InvalidParameter(`invalid hardlink "${h.name}" -> "${name}"`); }
  if (rel === '') throw new InvalidParameter(`invalid hardlink "${h.name}" -> "${name}"`);
  const dir = resolveDir(dest, posix.dirname(rel), false, h.name);
  const target = join(dir, posix.basename(rel));
  const st = lstatSync(target, { throwIfNoEntry: false });
  if (!st || st.isDirectory()) throw new InvalidParameter(`invalid hardlink "${h.name}" -> "${name}": no such file in the archive`);
  return target;
}

function deviceType(type: string): number {
  if (type === 'character-device') return native.S_IFCHR;
  if (type === 'block-device') return native.S_IFBLK;
  return native.S_IFIFO;
}

/** Owner, xattrs, mode (after chown, which clears setuid), then mtime; lchown/lutimes never follow. */
function applyMeta(path: string, h: tar.Header, dirs: DirTimes[]): void {
  lchownSync(path, h.uid ?? 0, h.gid ?? 0);
  for (const [key, value] of Object.entries((h.pax ?? {}) as Record<string, string>)) {
    if (key.startsWith(XATTR_PAX)) native.setXattr(path, key.slice(XATTR_PAX.length), Buffer.from(value, 'utf8'));
  }
  const mtime = h.mtime ?? new Date(0);
  if (h.type === 'symlink') {
    lutimesSync(path, mtime, mtime);
    return;
  }
  chmodSync(path, (h.mode ?? 0o644) & 0o7777);
  if (h.type === 'directory') dirs.push({ path, mtime });
  else lutimesSync(path, mtime, mtime);
}

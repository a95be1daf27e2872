// Crash-safe file writes: data goes to a temp file in the same directory, is fsynced, renamed over the
// target, and the directory is fsynced, so after `kill -9` (or power loss) a reader sees the old file or the
// new one, never a torn one. Temp names carry TEMP_MARK so startup sweeps can find leftovers.
import { randomBytes } from 'node:crypto';
import { writeSync, writevSync } from 'node:fs';
import { open, readFile, readdir, rename, rm, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Marks temp files and directories; anything carrying it at startup is a leftover of a crash. */
export const TEMP_MARK = '.wharf-tmp-';

/** A fresh temp path beside `target` (same filesystem, so rename is atomic). */
export function tempPathFor(target: string): string {
  return join(dirname(target), `${TEMP_MARK}${basename(target)}-${randomBytes(6).toString('hex')}`);
}

/** fsync a directory so a rename or create inside it is durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try { await fh.sync(); } finally { await fh.close(); }
}

/** Writes `data` to `path` atomically (temp + fsync + rename + fsync dir). */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const tmp = tempPathFor(path);
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dirname(path));
}

/**
 * Replaces `path` through a temp file and a rename, without fsync: readers never see a torn file, but a
 * crash may leave the old content. Only for files rebuilt from the store before each use (a container's
 * /etc/hosts, resolv.conf, hostname are regenerated at every start), where durability buys nothing.
 */
export async function replaceFile(path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const tmp = tempPathFor(path);
  try {
    await writeFile(tmp, data, { mode, flag: 'wx' });
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/** Writes `value` as JSON atomically. */
export async function writeJsonAtomic(path: string, value: unknown, mode = 0o644): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value), mode);
}

/** Reads and parses a JSON file; rejects with the fs error (ENOENT) when absent. */
export async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

/** Reads a JSON file, or returns `fallback` when it does not exist. */
export async function readJsonOr<T>(path: string, fallback: T): Promise<T> {
  try {
    return await readJson<T>(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw err;
  }
}

/** Removes every temp leftover (file or directory) directly inside `dir`; returns how many. */
export async function sweepTemp(dir: string): Promise<number> {
  let names: string[];
  try { names = await readdir(dir); } catch { return 0; }
  const stale = names.filter((n) => n.startsWith(TEMP_MARK));
  await Promise.all(stale.map((n) => rm(join(dir, n), { recursive: true, force: true })));
  return stale.length;
}

/** writev that finishes a short write (a regular file only writes short when the disk fills up). */
export async function writevAll(fh: FileHandle, bufs: Uint8Array[], total: number): Promise<void> {
  const { bytesWritten } = await fh.writev(bufs);
  if (bytesWritten < total) {
    const rest = Buffer.concat(bufs).subarray(bytesWritten);
    for (let off = 0; off < rest.length;) {
      const n = (await fh.write(rest, off)).bytesWritten;
      if (n <= 0) throw new Error('short write');
      off += n;
    }
  }
}

/** writevAll on a plain fd, synchronously (the unpacker's small-syscall path: no thread-pool round trip). */
export function writevAllSync(fd: number, bufs: Uint8Array[], total: number): void {
  const n = writevSync(fd, bufs);
  if (n < total) {
    const rest = Buffer.concat(bufs).subarray(n);
    for (let off = 0; off < rest.length;) {
      const k = writeSync(fd, rest, off);
      if (k <= 0) throw new Error('short write');
      off += k;
    }
  }
}

/**
 * Whether image layers' data (unpacked files, layer tar blobs) is made durable (fdatasync) before a layer
 * is published. Off by default, like dockerd, which never syncs what it unpacks: a layer is published by
 * an atomic rename after its data is written, so a wharfd killed at any instant leaves a complete layer or
 * none (the page cache outlives the process); only a power loss can leave a published layer's files short,
 * as with dockerd. Syncing 600 MB per 300 MB pull makes a pull disk-bound (~2 s here). WHARF_SYNC_LAYERS=1
 * makes every layer durable before it is published.
 */
export function syncLayerData(): boolean {
  return process.env.WHARF_SYNC_LAYERS === '1';
}

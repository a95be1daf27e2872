// Content-addressed blobs under <root>/image/blobs/sha256/<hex>: hashed while written, verified against
// the expected digest, fsynced and renamed into place, so a blob that exists is always complete and correct.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { InvalidParameter } from '../errors.js';
import { fsyncDir, layout, syncLayerData, writevAll } from '../store/index.js';
import { native } from '../sys/index.js';

const hexOf = (digest: string): string => digest.replace(/^sha256:/, '');

export class ContentStore {
  private constructor(private readonly dataRoot: string) {}

  static async open(dataRoot: string): Promise<ContentStore> {
    await mkdir(layout.blobsDir(dataRoot), { recursive: true, mode: 0o700 });
    return new ContentStore(dataRoot);
  }

  path(digest: string): string { return layout.blobPath(this.dataRoot, hexOf(digest)); }

  async has(digest: string): Promise<boolean> {
    return stat(this.path(digest)).then(() => true, () => false);
  }

  async size(digest: string): Promise<number> { return (await stat(this.path(digest))).size; }

  read(digest: string): Readable { return createReadStream(this.path(digest)); }

  readBytes(digest: string): Promise<Buffer> { return readFile(this.path(digest)); }

  /** Streams `input` into the store; returns its digest. Throws InvalidParameter on a digest mismatch. */
  async write(input: AsyncIterable<unknown> | Iterable<unknown>, expected?: string): Promise<{ digest: string; size: number }> {
    const tmp = join(layout.imageTmpDir(this.dataRoot), `blob-${randomBytes(8).toString('hex')}`);
    await mkdir(layout.imageTmpDir(this.dataRoot), { recursive: true, mode: 0o700 });
    const hash = createHash('sha256');
    let size = 0;
    const fh = await open(tmp, 'wx', 0o600);
    try {
      for await (const chunk of input) {
        const b = chunk as Uint8Array;
        hash.update(b);
        size += b.length;
        await fh.write(b);
      }
      await fh.sync();
    } catch (err) {
      await fh.close().catch(() => undefined);
      await rm(tmp, { force: true });
      throw err;
    }
    await fh.close();
    const digest = `sha256:${hash.digest('hex')}`;
    if (expected && expected !== digest) {
      await rm(tmp, { force: true });
      throw new InvalidParameter(`failed to verify content: expected ${expected}, got ${digest}`);
    }
    await rename(tmp, this.path(digest));
    await fsyncDir(layout.blobsDir(this.dataRoot));
    return { digest, size };
  }

  /**
   * A temp file for a blob whose digest the caller checks itself (a pull hashes the layer tar once for the
   * blob and the unpacked layer); close() it (with { sync } when layers are made durable) before commitTemp
   * publishes it.
   */
  createTemp(): Promise<BlobTemp> { return createTempBlob(this.dataRoot); }

  /** Publishes a closed temp blob as `digest` (its content verified by the caller). */
  async commitTemp(t: BlobTemp, digest: string): Promise<void> {
    await t.close();
    await rename(t.path, this.path(digest));
    await fsyncDir(layout.blobsDir(this.dataRoot));
  }

  /** Publishes a file of the same filesystem (a load's spooled layer tar) whose content the caller verified. */
  async adoptFile(path: string, digest: string): Promise<void> {
    await rename(path, this.path(digest));
    await fsyncDir(layout.blobsDir(this.dataRoot));
  }

  writeBytes(data: Buffer, expected?: string): Promise<{ digest: string; size: number }> {
    return this.write([data], expected);
  }

  async delete(digest: string): Promise<void> { await rm(this.path(digest), { force: true }); }
}

/** ContentStore.createTemp without a ContentStore (a layer worker thread's). */
export async function createTempBlob(dataRoot: string): Promise<BlobTemp> {
  await mkdir(layout.imageTmpDir(dataRoot), { recursive: true, mode: 0o700 });
  const path = join(layout.imageTmpDir(dataRoot), `blob-${randomBytes(8).toString('hex')}`);
  return new BlobTemp(path, await open(path, 'wx', 0o600));
}

/** Writes gathered into one writev per MiB. */
export class BlobTemp {
  size = 0;
  private batch: Uint8Array[] = [];
  private pending = 0;
  private closed = false;
  private writebackFrom = 0;
  /** Whether close will sync it (layers only with WHARF_SYNC_LAYERS=1): then it is written back early. */
  private readonly syncing = syncLayerData();

  constructor(readonly path: string, private readonly fh: FileHandle) {}

  /** A temp blob another thread wrote and closed (a layer worker's), to be committed or discarded here. */
  static closedAt(path: string, size: number): BlobTemp {
    const t = new BlobTemp(path, undefined as unknown as FileHandle);
    t.closed = true;
    t.size = size;
    return t;
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.batch.push(chunk);
    this.pending += chunk.length;
    this.size += chunk.length;
    if (this.pending >= 1 << 20 || this.batch.length >= 256) {
      await this.flush();
      // To disk while it is written, so the fdatasync at close has little left to wait for.
      if (this.syncing && this.writebackFrom + (8 << 20) <= this.size) {
        native.startWriteback(this.fh.fd, this.writebackFrom, this.size - this.writebackFrom);
        this.writebackFrom = this.size;
      }
    }
  }

  private async flush(): Promise<void> {
    const bufs = this.batch;
    const total = this.pending;
    this.batch = [];
    this.pending = 0;
    if (bufs.length) await writevAll(this.fh, bufs, total);
  }

  /** Writes what is gathered and closes; with `sync`, its data is made durable first (fdatasync). */
  async close(opts: { sync?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flush();
      if (opts.sync) await this.fh.datasync();
    } finally {
      await this.fh.close();
    }
  }

  /** Drops the temp file (after a failure). */
  async discard(): Promise<void> {
    if (!this.closed) { this.closed = true; await this.fh.close().catch(() => undefined); }
    await rm(this.path, { force: true });
  }
}

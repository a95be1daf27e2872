// Content-addressed blobs under <root>/image/blobs/sha256/<hex>: hashed while written, verified against
// the expected digest, fsynced and renamed into place, so a blob that exists is always complete and correct.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { InvalidParameter } from '../errors.js';
import { fsyncDir, layout } from '../store/index.js';

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

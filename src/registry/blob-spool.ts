// A layer download spooled to a temp file that can be read while it grows: the unpacker of layer N follows
// the file as bytes arrive (stream-unpack), later layers keep downloading in parallel. The download hashes
// as it writes, resumes an interrupted transfer with a Range request, and the reader ends only after the
// digest matched, so nothing unverified is ever unpacked to completion.
import { createHash, type Hash } from 'node:crypto';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { InvalidParameter } from '../errors.js';
import { errorFrom, isRetryableStatus, sleep, ConnectionError } from './http.js';
import type { RegistrySession } from './session.js';
import type { Descriptor } from './types.js';

export interface DownloadHooks {
  onBytes(current: number, total: number): void;
  onRetry(seconds: number): void;
}

export class BlobSpool {
  written = 0;
  done = false;
  error?: Error;
  private wakers: Array<() => void> = [];
  private fh?: FileHandle;

  constructor(readonly path: string, readonly desc: Descriptor) {}

  async init(): Promise<void> { this.fh = await open(this.path, 'wx', 0o600); }

  private wake(): void { const w = this.wakers; this.wakers = []; for (const f of w) f(); }
  private changed(): Promise<void> { return new Promise((r) => this.wakers.push(r)); }

  fail(err: Error): void { if (!this.done && !this.error) { this.error = err; this.wake(); } }

  /** Downloads the blob with resume and retries; resolves once the digest is verified. */
  async download(session: RegistrySession, repoPath: string, hooks: DownloadHooks, attempts: number, retryBase: number, signal?: AbortSignal): Promise<void> {
    const hash = createHash('sha256');
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.fetchFrom(session, repoPath, hash, hooks, signal);
          break;
        } catch (err) {
          const retryable = err instanceof ConnectionError || (err instanceof RetryableStatus);
          if (!retryable || attempt >= attempts || signal?.aborted) throw err instanceof RetryableStatus ? err.cause : err;
          const wait = retryBase * 2 ** (attempt - 1);
          hooks.onRetry(Math.max(1, Math.round(wait / 1000)));
          await sleep(wait, signal);
        }
      }
      const got = `sha256:${hash.digest('hex')}`;
      if (got !== this.desc.digest) throw new InvalidParameter(`filesystem layer verification failed for digest ${this.desc.digest}`);
      await this.fh!.sync();
      this.done = true;
      this.wake();
    } catch (err) {
      this.fail(err as Error);
      throw err;
    } finally {
      await this.fh?.close().catch(() => undefined);
      this.fh = undefined;
    }
  }

  private async fetchFrom(session: RegistrySession, repoPath: string, hash: Hash, hooks: DownloadHooks, signal?: AbortSignal): Promise<void> {
    const headers: Record<string, string> = {};
    if (this.written > 0) headers.Range = `bytes=${this.written}-`;
    const res = await session.request({ method: 'GET', path: `/v2/${repoPath}/blobs/${this.desc.digest}`, headers, signal });
    const status = res.statusCode ?? 0;
    if (status >= 400) {
      const err = await errorFrom(res);
      if (isRetryableStatus(status)) throw new RetryableStatus(err);
      throw err;
    }
    // A registry that ignores Range sends everything again: skip what is already spooled.
    let skip = this.written > 0 && status !== 206 ? this.written : 0;
    try {
      for await (const chunk of res) {
        let b = chunk as Buffer;
        if (skip > 0) {
          const n = Math.min(skip, b.length);
          skip -= n;
          b = b.subarray(n);
          if (!b.length) continue;
        }
        if (this.written + b.length > this.desc.size) {
          res.destroy();
          throw new InvalidParameter(`filesystem layer verification failed for digest ${this.desc.digest}`);
        }
        await this.fh!.write(b, 0, b.length, this.written);
        hash.update(b);
        this.written += b.length;
        this.wake();
        hooks.onBytes(this.written, this.desc.size);
      }
    } catch (err) {
      if (err instanceof InvalidParameter || err instanceof ConnectionError) throw err;
      // The connection broke mid-body ("aborted", reset): resumable.
      throw new ConnectionError(`unexpected EOF reading ${this.desc.digest}: ${(err as Error).message}`, { cause: err });
    }
    if (this.written < this.desc.size) throw new ConnectionError(`unexpected EOF reading ${this.desc.digest} (${this.written} of ${this.desc.size} bytes)`);
  }

  /** The bytes as they arrive; errors if the download fails; `onRead` reports bytes handed out. */
  reader(onRead?: (n: number) => void): Readable {
    const self = this;
    return Readable.from((async function* () {
      const fh = await open(self.path, 'r');
      let pos = 0;
      try {
        for (;;) {
          if (pos < self.written) {
            const n = Math.min(1 << 20, self.written - pos);
            const buf = Buffer.allocUnsafe(n);
            const { bytesRead } = await fh.read(buf, 0, n, pos);
            pos += bytesRead;
            onRead?.(pos);
            yield buf.subarray(0, bytesRead);
            continue;
          }
          if (self.error) throw self.error;
          if (self.done) return;
          await self.changed();
        }
      } finally {
        await fh.close();
      }
    })(), { objectMode: false, highWaterMark: 1 << 20 });
  }

  async remove(): Promise<void> { await rm(this.path, { force: true }); }
}

class RetryableStatus extends Error {
  constructor(override readonly cause: Error) { super(cause.message); }
}

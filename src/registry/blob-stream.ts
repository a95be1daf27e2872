// A layer download as a stream (stream-unpack, no spool file): the bytes go from the registry's response
// through the hash straight into the decompressor and the unpacker, several layers at once. An interrupted
// transfer resumes with a Range request and the consumer just sees a pause. The stream ends only after the
// whole blob arrived and its digest matched, so nothing unverified is ever unpacked to completion.
import { createHash, type Hash } from 'node:crypto';
import { PassThrough, type Writable } from 'node:stream';
import { InvalidParameter } from '../errors.js';
import { errorFrom, isRetryableStatus, sleep, ConnectionError } from './http.js';
import type { RegistrySession } from './session.js';
import type { Descriptor } from './types.js';

export interface DownloadHooks {
  onBytes(current: number, total: number): void;
  onRetry(seconds: number): void;
}

export class BlobStream {
  written = 0;
  done = false;

  /**
   * `body` gets the blob's bytes for the unpacker and is destroyed when the download fails. With `verify`
   * false the digest is left to the consumer (a layer worker hashes what it is handed): chunks are not
   * touched once written, as the consumer may take their memory.
   */
  constructor(readonly desc: Descriptor, readonly body: Writable = new PassThrough({ highWaterMark: 1 << 20 }), private readonly verify = true) {
    this.body.on('error', () => undefined); // the download's own promise reports the failure
  }

  /**
   * Downloads the blob with resume and retries; resolves once the digest is verified (and `body` ended). If
   * the consumer stops early (a corrupt archive), the rest is still fetched and hashed: like dockerd, which
   * verifies before it extracts, a blob that does not match its digest is reported as such.
   */
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
      if (this.verify && got !== this.desc.digest) throw new InvalidParameter(`filesystem layer verification failed for digest ${this.desc.digest}`);
      this.done = true;
      this.body.end();
    } catch (err) {
      this.body.destroy(err as Error);
      throw err;
    }
  }

  /** Resolves once the consumer drained its buffer (or went away). */
  private drained(): Promise<void> {
    const body = this.body;
    if (body.destroyed || !body.writableNeedDrain) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => { body.off('drain', done); body.off('close', done); resolve(); };
      body.on('drain', done);
      body.on('close', done);
    });
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
    // A registry that ignores Range sends everything again: skip what is already delivered.
    let skip = this.written > 0 && status !== 206 ? this.written : 0;
    // 'data' events rather than an async iterator, which would concatenate (copy) buffered chunks.
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (err: Error) => {
        if (failed) return;
        failed = true;
        res.destroy();
        if (err instanceof InvalidParameter || err instanceof ConnectionError) reject(err);
        // The connection broke mid-body ("aborted", reset): resumable.
        else reject(new ConnectionError(`unexpected EOF reading ${this.desc.digest}: ${err.message}`, { cause: err }));
      };
      res.on('data', (chunk: Buffer) => {
        if (failed) return;
        let b = chunk;
        if (skip > 0) {
          const n = Math.min(skip, b.length);
          skip -= n;
          b = b.subarray(n);
          if (!b.length) return;
        }
        if (this.written + b.length > this.desc.size) {
          fail(new InvalidParameter(`filesystem layer verification failed for digest ${this.desc.digest}`));
          return;
        }
        if (this.verify) hash.update(b);
        this.written += b.length;
        hooks.onBytes(this.written, this.desc.size);
        // Once the consumer is gone (a corrupt archive) the rest is only hashed.
        const more = this.body.destroyed || this.body.write(b);
        if (!more) {
          res.pause();
          void this.drained().then(() => { if (!failed) res.resume(); });
        }
      });
      res.on('end', () => { if (!failed) resolve(); });
      res.on('error', fail);
      res.on('close', () => { if (!res.complete) fail(new Error('aborted')); });
    });
    if (this.written < this.desc.size) throw new ConnectionError(`unexpected EOF reading ${this.desc.digest} (${this.written} of ${this.desc.size} bytes)`);
  }
}

class RetryableStatus extends Error {
  constructor(override readonly cause: Error) { super(cause.message); }
}

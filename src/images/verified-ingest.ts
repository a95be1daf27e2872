// Layer ingestion for pulls: the uncompressed tar stream is hashed and split in two as it arrives, one copy
// into the content store (by diffID), one into the snapshotter's unpacker. The unpacker's input only ends
// after the hash matched the expected diffID, so a wrong or truncated layer fails before it is published.
import { createHash } from 'node:crypto';
import { PassThrough, Transform, type Readable, type TransformCallback } from 'node:stream';
import { InvalidParameter } from '../errors.js';
import type { LayerInfo, Snapshotter } from '../snapshots/index.js';
import type { ContentStore } from './content-store.js';

class DigestCheck extends Transform {
  private readonly hash = createHash('sha256');
  constructor(private readonly expected: string) { super({ highWaterMark: 1 << 20 }); }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void { this.hash.update(chunk); cb(null, chunk); }
  override _flush(cb: TransformCallback): void {
    const got = `sha256:${this.hash.digest('hex')}`;
    cb(got === this.expected ? null : new InvalidParameter(`failed to register layer: layer digest mismatch: expected ${this.expected}, got ${got}`));
  }
}

/** Copies `src` into two PassThroughs with backpressure from the slower one. */
function tee(src: Readable): [PassThrough, PassThrough] {
  const a = new PassThrough({ highWaterMark: 1 << 20 });
  const b = new PassThrough({ highWaterMark: 1 << 20 });
  let waiting = 0;
  const resume = () => { if (--waiting === 0) src.resume(); };
  src.on('data', (c: Buffer) => {
    const okA = a.write(c);
    const okB = b.write(c);
    if (!okA || !okB) {
      src.pause();
      if (!okA) { waiting++; a.once('drain', resume); }
      if (!okB) { waiting++; b.once('drain', resume); }
    }
  });
  src.on('end', () => { a.end(); b.end(); });
  // Failures reach the caller through the consumers' promises; a copy destroyed after its consumer
  // stopped listening must not become an unhandled 'error'.
  a.on('error', () => undefined);
  b.on('error', () => undefined);
  src.on('error', (e) => { a.destroy(e); b.destroy(e); });
  return [a, b];
}

export async function ingestVerified(content: ContentStore, snapshots: Snapshotter, parent: string | undefined, tar: Readable, diffId: string): Promise<LayerInfo> {
  const check = new DigestCheck(diffId);
  check.on('error', () => undefined); // reported through the consumers below
  tar.on('error', (e) => check.destroy(e));
  tar.pipe(check);
  const [toBlob, toLayer] = tee(check);
  const blob = content.write(toBlob, diffId);
  const layer = snapshots.applyLayer(parent, diffId, toLayer);
  // Whichever side fails first stops the other, so neither waits forever on a drain that never comes.
  blob.catch((e: Error) => { toLayer.destroy(e); check.destroy(e); });
  layer.catch((e: Error) => { toBlob.destroy(e); check.destroy(e); });
  // applyLayer drains its input when the layer already exists; wait for both either way.
  const [b, l] = await Promise.allSettled([blob, layer]);
  if (l.status === 'rejected') throw l.reason;
  if (b.status === 'rejected') throw b.reason;
  return l.value;
}

// Layer ingestion for pulls, in two steps so several layers can be unpacked at once:
//   stage:  the uncompressed tar stream is hashed once as it passes and unpacked into a staged dir, which also
//           gets the tar's tar-split record (snapshots/tar-split.ts: the tar is not stored a second time;
//           save and push regenerate it from the files). Data is synced only with WHARF_SYNC_LAYERS=1 (see
//           store's syncLayerData; dockerd never syncs layers). The unpacker's input only ends after the hash
//           matched the expected diffID, so a wrong or truncated layer fails before anything is published.
//   commit: (in parent order) the layer is renamed into place and its directory fsynced (which commits the
//           journal with every file's creation); a crash at any instant leaves only temp leftovers swept at
//           start.
import { createHash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { InvalidParameter } from '../errors.js';
import { discardStagedDir, stageLayerDir, type StagedLayer } from '../snapshots/index.js';

/** A verified layer tar, unpacked (with its tar-split record) into a temp dir. */
export interface StagedIngest {
  diffId: string;
  layer: StagedLayer;
}

/** Hashes what passes; fails at the end (instead of ending) when the digest is not `expected`. */
class HashCheck extends Transform {
  private readonly hash = createHash('sha256');
  verified: Promise<void>;
  private settle!: (err?: Error) => void;

  constructor(private readonly expected: string, private readonly mismatch = (got: string) => `failed to register layer: layer digest mismatch: expected ${expected}, got ${got}`) {
    super({ highWaterMark: 1 << 20 });
    this.verified = new Promise<void>((resolve, reject) => { this.settle = (err) => (err ? reject(err) : resolve()); });
    this.verified.catch(() => undefined);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    const got = `sha256:${this.hash.digest('hex')}`;
    const err = got === this.expected ? undefined : new InvalidParameter(this.mismatch(got));
    this.settle(err);
    cb(err ?? null);
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.settle(err ?? new InvalidParameter('layer stream closed before its end'));
    cb(err);
  }
}

/** A pass-through that fails at its end unless what passed hashes to `diffId` (a regenerated layer tar). */
export function digestCheck(diffId: string): Transform {
  return new HashCheck(diffId, (got) => `layer ${diffId} regenerated from its files hashes to ${got}: the layer changed on disk`);
}

/** Where staging unpacks: the daemon's snapshotter, or a worker thread's view of the same data root. */
export interface StagingPlaces {
  stageLayer(tar: Readable, opts: { split: boolean }): Promise<StagedLayer>;
  discardStaged(layer: StagedLayer): Promise<void>;
}

/** stageVerified in a thread that has no stores (a layer worker): the same temp dirs under `dataRoot`. */
export async function stageVerifiedAt(dataRoot: string, tar: Readable, diffId: string): Promise<StagedIngest> {
  return stageVerified({ stageLayer: (t, o) => stageLayerDir(dataRoot, t, o), discardStaged: discardStagedDir }, tar, diffId);
}

/** Unpacks `tar` (which must hash to `diffId`) with its tar-split record, without publishing it. */
export async function stageVerified(snapshots: StagingPlaces, tar: Readable, diffId: string): Promise<StagedIngest> {
  const check = new HashCheck(diffId);
  check.on('error', () => undefined); // reported through the unpacker and `verified`
  tar.on('error', (e) => check.destroy(e));
  tar.on('close', () => { if (!tar.readableEnded) check.destroy(tar.errored ?? new InvalidParameter('layer stream closed before its end')); });
  if (tar.errored) check.destroy(tar.errored);
  tar.pipe(check);
  let layer: StagedLayer | undefined;
  try {
    // The record is finished only once `check` ended: after its digest matched.
    layer = await snapshots.stageLayer(check, { split: true });
    await check.verified;
    return { diffId, layer };
  } catch (err) {
    tar.unpipe(check);
    tar.destroy();
    check.destroy();
    if (layer) await snapshots.discardStaged(layer);
    throw err;
  }
}

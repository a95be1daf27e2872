// Layer ingestion for pulls and loads, in two steps so several layers can be unpacked at once:
//   stage:  the uncompressed tar stream is hashed once as it passes, written to a temp blob and unpacked into
//           a staged dir (their data synced only with WHARF_SYNC_LAYERS=1, see store's syncLayerData; dockerd
//           never syncs layers); the unpacker's input only ends
//           after the hash matched the expected diffID, so a wrong or truncated layer fails before anything
//           is published.
//   commit: (in parent order) the blob and the layer are renamed into place and their directories fsynced
//           (which commits the journal with every file's creation); a crash at any instant leaves only temp
//           leftovers swept at start.
import { createHash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { InvalidParameter } from '../errors.js';
import { syncLayerData } from '../store/index.js';
import { discardStagedDir, stageLayerDir, type LayerInfo, type Snapshotter, type StagedLayer } from '../snapshots/index.js';
import { BlobTemp, createTempBlob, type ContentStore } from './content-store.js';

/** A verified layer tar: its blob and its unpacked files, both still in temp dirs. */
export interface StagedIngest {
  diffId: string;
  blob: BlobTemp;
  layer: StagedLayer;
}

/** Hashes and stores what passes; fails at the end (instead of ending) when the digest is not `expected`. */
class StoreAndCheck extends Transform {
  private readonly hash = createHash('sha256');
  verified: Promise<void>;
  private settle!: (err?: Error) => void;

  constructor(private readonly expected: string, private readonly blob: Promise<BlobTemp>) {
    super({ highWaterMark: 1 << 20 });
    this.verified = new Promise<void>((resolve, reject) => { this.settle = (err) => (err ? reject(err) : resolve()); });
    this.verified.catch(() => undefined);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.push(chunk);
    this.blob.then((b) => b.write(chunk)).then(() => cb(), (err: Error) => cb(err));
  }

  override _flush(cb: TransformCallback): void {
    const got = `sha256:${this.hash.digest('hex')}`;
    const err = got === this.expected ? undefined : new InvalidParameter(`failed to register layer: layer digest mismatch: expected ${this.expected}, got ${got}`);
    this.settle(err);
    cb(err ?? null);
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.settle(err ?? new InvalidParameter('layer stream closed before its end'));
    cb(err);
  }
}

/** Where staging writes: the daemon's stores, or a worker thread's view of the same data root. */
export interface StagingPlaces {
  createTemp(): Promise<BlobTemp>;
  stageLayer(tar: Readable): Promise<StagedLayer>;
  discardStaged(layer: StagedLayer): Promise<void>;
}

/** A staged ingest as plain data, for a worker thread to hand to the daemon (stagedFromFiles). */
export interface StagedFiles { diffId: string; blobPath: string; blobSize: number; layer: StagedLayer }

/** stageVerified in a thread that has no stores (a layer worker): the same temp dirs under `dataRoot`. */
export async function stageVerifiedAt(dataRoot: string, tar: Readable, diffId: string): Promise<StagedFiles> {
  const places: StagingPlaces = { createTemp: () => createTempBlob(dataRoot), stageLayer: (t) => stageLayerDir(dataRoot, t), discardStaged: discardStagedDir };
  const s = await stageVerified(places, places, tar, diffId);
  return { diffId, blobPath: s.blob.path, blobSize: s.blob.size, layer: s.layer };
}

export function stagedFromFiles(f: StagedFiles): StagedIngest {
  return { diffId: f.diffId, blob: BlobTemp.closedAt(f.blobPath, f.blobSize), layer: f.layer };
}

/** Stores and unpacks `tar` (which must hash to `diffId`) without publishing either. */
export async function stageVerified(content: Pick<StagingPlaces, 'createTemp'>, snapshots: Omit<StagingPlaces, 'createTemp'>, tar: Readable, diffId: string): Promise<StagedIngest> {
  // Wired up before the first await: an error `tar` emits in between would otherwise go unseen.
  const created = content.createTemp();
  created.catch(() => undefined);
  const check = new StoreAndCheck(diffId, created);
  check.on('error', () => undefined); // reported through the unpacker and `verified`
  tar.on('error', (e) => check.destroy(e));
  tar.on('close', () => { if (!tar.readableEnded) check.destroy(tar.errored ?? new InvalidParameter('layer stream closed before its end')); });
  if (tar.errored) check.destroy(tar.errored);
  tar.pipe(check);
  let layer: StagedLayer | undefined;
  let blob: BlobTemp | undefined;
  try {
    blob = await created;
    layer = await snapshots.stageLayer(check);
    check.resume(); // whatever follows the archive's end marker still has to be hashed
    await check.verified;
    await blob.close({ sync: syncLayerData() });
    return { diffId, blob, layer };
  } catch (err) {
    tar.unpipe(check);
    tar.destroy();
    check.destroy();
    await (blob ?? await created.catch(() => undefined))?.discard();
    if (layer) await snapshots.discardStaged(layer);
    throw err;
  }
}

/** Publishes a staged layer on top of `parent` (a layer already present is reused, the copy dropped). */
export async function commitStaged(content: ContentStore, snapshots: Snapshotter, parent: string | undefined, s: StagedIngest): Promise<LayerInfo> {
  try {
    await content.commitTemp(s.blob, s.diffId);
  } catch (err) {
    await discardStaged(snapshots, s);
    throw err;
  }
  return snapshots.commitStaged(parent, s.diffId, s.layer);
}

export async function discardStaged(snapshots: Snapshotter, s: StagedIngest): Promise<void> {
  await s.blob.discard();
  await snapshots.discardStaged(s.layer);
}

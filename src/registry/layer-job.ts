// A big layer's pull work on a worker thread (layer-worker.ts): the daemon's event loop only receives the
// download and hands each chunk over (transferred, not copied, when the chunk owns its memory); hashing,
// inflating and unpacking run on the worker, so a pull's layers use every core the way dockerd's
// goroutines do. Small layers stay on the event loop: a worker costs a few milliseconds to hand work to.
// WHARF_NO_LAYER_WORKERS=1 keeps every layer in-process.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { SystemError, WharfError, type ErrorKind } from '../errors.js';
import type { StagedIngest } from '../images/index.js';

export type ToWorker = { id: number } & (
  | { t: 'start'; dataRoot: string; digest: string; size: number; diffId: string }
  /** The next chunks of the blob, in order (each buffer whole). */
  | { t: 'data'; bufs: ArrayBuffer[] }
  | { t: 'end' }
  | { t: 'abort'; message: string });

export type ToDaemon = { id: number } & (
  | { t: 'consumed'; n: number }
  | { t: 'done'; files: StagedIngest }
  | { t: 'error'; kind: ErrorKind; message: string });

/** Layers at least this big (compressed) go to a worker (WHARF_LAYER_WORKER_MIN: tests send every layer). */
export const WORKER_MIN_SIZE = Number(process.env.WHARF_LAYER_WORKER_MIN ?? 8 << 20);
/** Bytes handed to a worker and not yet taken by its unpacker before the download waits. */
const IN_FLIGHT = 16 << 20;
/** Chunks go over in batches of about this much (one message per 64 KiB read cost both threads more). */
const BATCH = 1 << 20;
/**
 * One worker more than there are cores (at most 4), started on first use and kept: a warm worker has its
 * code compiled already, and a kept pool means less GC and compiling per pull than a worker per layer did.
 * Each runs several layers' jobs at once when there are more; the one more than the cores spreads the usual
 * 3-layer pull evenly on 2 cores (pull 1.19-1.33 s against 1.32-1.64 s with 2 workers, 4 pairs of runs).
 */
const POOL_SIZE = Math.max(1, Math.min(4, availableParallelism() + 1));

const workerFile = new URL('./layer-worker.js', import.meta.url);
let available: boolean | undefined;

export function layerWorkersAvailable(): boolean {
  available ??= !process.env.WHARF_NO_LAYER_WORKERS && existsSync(fileURLToPath(workerFile));
  return available;
}

interface PoolWorker { w: Worker; jobs: Map<number, (m: ToDaemon | Error) => void> }
const pool: PoolWorker[] = [];
let nextId = 1;

/**
 * Starts workers for `layers` big layers about to be pulled (while the config is fetched and the layers
 * checked), so that the first pull does not wait for them; workers already there count.
 */
export function warmLayerWorkers(layers: number): void {
  if (!layerWorkersAvailable()) return;
  const idle = pool.filter((p) => p.jobs.size === 0).length;
  for (let n = Math.min(layers - idle, POOL_SIZE - pool.length); n > 0; n--) spawnWorker();
}

/** The least busy worker; a new one while the pool is not full and every worker has work. */
function pickWorker(): PoolWorker {
  const free = pool.find((p) => p.jobs.size === 0);
  if (free) return free;
  return pool.length < POOL_SIZE ? spawnWorker() : pool.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
}

function spawnWorker(): PoolWorker {
  const p: PoolWorker = { w: new Worker(workerFile), jobs: new Map() };
  p.w.unref();
  p.w.on('message', (m: ToDaemon) => p.jobs.get(m.id)?.(m));
  // A worker that dies fails its jobs (their temp dirs are swept at the next start) and leaves the pool.
  const fail = (err: Error) => {
    const i = pool.indexOf(p);
    if (i >= 0) pool.splice(i, 1);
    for (const deliver of [...p.jobs.values()]) deliver(err);
  };
  p.w.on('error', (err) => fail(new SystemError(`layer worker failed: ${err.message}`, { cause: err })));
  p.w.on('exit', (code) => fail(new SystemError(`layer worker exited with status ${code}`)));
  pool.push(p);
  return p;
}

export interface LayerJob {
  /** Where the download writes the blob's bytes, in order; destroying it abandons the job. */
  sink: Writable;
  /** Compressed bytes the unpacker has taken so far. */
  consumed(): number;
  /** The staged (verified, unpublished) layer; InvalidParameter on a digest or diffID mismatch. */
  result: Promise<StagedIngest>;
}

/** `onConsumed`: each time the worker reports how far its unpacker got. */
export function startLayerJob(dataRoot: string, desc: { digest: string; size: number }, diffId: string, onConsumed?: (n: number) => void): LayerJob {
  const p = pickWorker();
  const id = nextId++;
  let consumed = 0;
  let posted = 0;
  let ended = false;
  let settled = false;
  let waiting: (() => void) | undefined;
  const post = (m: ToWorker, transfer?: ArrayBuffer[]) => p.w.postMessage(m, transfer);
  const result = new Promise<StagedIngest>((resolve, reject) => {
    p.jobs.set(id, (m) => {
      if (!(m instanceof Error) && m.t === 'consumed') {
        consumed = m.n;
        onConsumed?.(consumed);
        if (waiting && posted - consumed < IN_FLIGHT) { const go = waiting; waiting = undefined; go(); }
        return;
      }
      p.jobs.delete(id);
      settled = true;
      if (m instanceof Error) reject(m);
      else if (m.t === 'done') resolve(m.files);
      else reject(new WharfError(m.kind, m.message));
      waiting?.();
    });
  });
  result.catch(() => undefined);
  post({ id, t: 'start', dataRoot, digest: desc.digest, size: desc.size, diffId });
  let batch: ArrayBuffer[] = [];
  let batched = 0;
  let flushQueued = false;
  const flush = () => {
    flushQueued = false;
    if (!batch.length || settled) { batch = []; batched = 0; return; }
    const bufs = batch;
    batch = [];
    batched = 0;
    post({ id, t: 'data', bufs }, bufs);
  };
  const sink = new Writable({
    highWaterMark: 1 << 20,
    write(chunk: Buffer, _enc, cb) {
      if (settled) { cb(); return; } // the worker already answered (a failed unpack): the rest goes nowhere
      // A chunk that owns its whole ArrayBuffer moves to the worker; one that shares it is copied.
      const own = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && chunk.buffer instanceof ArrayBuffer;
      batch.push(own ? chunk.buffer as ArrayBuffer : chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.byteLength) as ArrayBuffer);
      batched += chunk.byteLength;
      posted += chunk.byteLength;
      // A full batch goes now; what is left of one goes once this turn's reads are done.
      if (batched >= BATCH) flush();
      else if (!flushQueued) { flushQueued = true; setImmediate(flush); }
      if (posted - consumed < IN_FLIGHT) cb();
      else waiting = () => cb();
    },
    final(cb) {
      ended = true;
      flush();
      if (!settled) post({ id, t: 'end' });
      cb();
    },
    destroy(err, cb) {
      if (!ended && !settled) post({ id, t: 'abort', message: err?.message ?? 'layer download abandoned' });
      cb(err);
    },
  });
  return { sink, consumed: () => consumed, result };
}

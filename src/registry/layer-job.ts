// A big layer's pull work on a worker thread (layer-worker.ts): the daemon's event loop only receives the
// download and hands each chunk over (transferred, not copied, when the chunk owns its memory); hashing,
// inflating, storing and unpacking run on the worker, so a pull's layers use every core the way dockerd's
// goroutines do. Small layers stay on the event loop: a worker costs a few milliseconds to hand work to.
// Workers are kept a while for the next pull. WHARF_NO_LAYER_WORKERS=1 keeps every layer in-process.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { SystemError, WharfError, type ErrorKind } from '../errors.js';
import type { StagedFiles } from '../images/index.js';

export type ToWorker =
  | { t: 'start'; dataRoot: string; digest: string; size: number; diffId: string }
  /** The next chunks of the blob, in order (each buffer whole). */
  | { t: 'data'; bufs: ArrayBuffer[] }
  | { t: 'end' }
  | { t: 'abort'; message: string };

export type ToDaemon =
  | { t: 'consumed'; n: number }
  | { t: 'done'; files: StagedFiles }
  | { t: 'error'; kind: ErrorKind; message: string };

/** Layers at least this big (compressed) go to a worker (WHARF_LAYER_WORKER_MIN: tests send every layer). */
export const WORKER_MIN_SIZE = Number(process.env.WHARF_LAYER_WORKER_MIN ?? 8 << 20);
/** Bytes handed to a worker and not yet taken by its unpacker before the download waits. */
const IN_FLIGHT = 16 << 20;
/** Chunks go over in batches of about this much (one message per 64 KiB read cost both threads more). */
const BATCH = 1 << 20;
const IDLE_MS = 30_000;

const workerFile = new URL('./layer-worker.js', import.meta.url);
let available: boolean | undefined;

export function layerWorkersAvailable(): boolean {
  available ??= !process.env.WHARF_NO_LAYER_WORKERS && existsSync(fileURLToPath(workerFile));
  return available;
}

const idle: Array<{ w: Worker; timer: NodeJS.Timeout }> = [];

function takeWorker(): Worker {
  const kept = idle.pop();
  if (kept) { clearTimeout(kept.timer); kept.w.removeAllListeners('exit'); return kept.w; }
  const w = new Worker(workerFile);
  w.unref();
  return w;
}

function giveBack(w: Worker): void {
  w.removeAllListeners('message').removeAllListeners('error').removeAllListeners('exit');
  const timer = setTimeout(() => {
    const i = idle.findIndex((k) => k.w === w);
    if (i >= 0) idle.splice(i, 1);
    void w.terminate();
  }, IDLE_MS);
  timer.unref();
  idle.push({ w, timer });
  // One that dies while it waits is not handed out again.
  w.once('exit', () => { clearTimeout(timer); const i = idle.findIndex((k) => k.w === w); if (i >= 0) idle.splice(i, 1); });
}

export interface LayerJob {
  /** Where the download writes the blob's bytes, in order; destroying it abandons the job. */
  sink: Writable;
  /** Compressed bytes the unpacker has taken so far. */
  consumed(): number;
  /** The staged (verified, unpublished) layer; InvalidParameter on a digest or diffID mismatch. */
  result: Promise<StagedFiles>;
}

/** `onConsumed`: each time the worker reports how far its unpacker got. */
export function startLayerJob(dataRoot: string, desc: { digest: string; size: number }, diffId: string, onConsumed?: (n: number) => void): LayerJob {
  const w = takeWorker();
  let consumed = 0;
  let posted = 0;
  let ended = false;
  let settled = false;
  let waiting: (() => void) | undefined;
  const post = (m: ToWorker, transfer?: ArrayBuffer[]) => w.postMessage(m, transfer);
  const result = new Promise<StagedFiles>((resolve, reject) => {
    const finish = (err?: Error, files?: StagedFiles) => {
      if (settled) return;
      settled = true;
      if (err) reject(err); else resolve(files!);
      waiting?.();
    };
    w.on('message', (m: ToDaemon) => {
      if (m.t === 'consumed') {
        consumed = m.n;
        onConsumed?.(consumed);
        if (waiting && posted - consumed < IN_FLIGHT) { const go = waiting; waiting = undefined; go(); }
        return;
      }
      giveBack(w);
      if (m.t === 'done') finish(undefined, m.files);
      else finish(new WharfError(m.kind, m.message));
    });
    // A worker that dies takes its temp dirs' cleanup with it: the next daemon start sweeps them.
    w.on('error', (err) => finish(new SystemError(`layer worker failed: ${err.message}`, { cause: err })));
    w.on('exit', (code) => finish(new SystemError(`layer worker exited with status ${code}`)));
  });
  result.catch(() => undefined);
  post({ t: 'start', dataRoot, digest: desc.digest, size: desc.size, diffId });
  let batch: ArrayBuffer[] = [];
  let batched = 0;
  let flushQueued = false;
  const flush = () => {
    flushQueued = false;
    if (!batch.length || settled) { batch = []; batched = 0; return; }
    const bufs = batch;
    batch = [];
    batched = 0;
    post({ t: 'data', bufs }, bufs);
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
      if (!settled) post({ t: 'end' });
      cb();
    },
    destroy(err, cb) {
      if (!ended && !settled) post({ t: 'abort', message: err?.message ?? 'layer download abandoned' });
      cb(err);
    },
  });
  return { sink, consumed: () => consumed, result };
}

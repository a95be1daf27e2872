// The worker-thread side of a layer pull (layer-job.ts is the daemon's side): the downloaded bytes arrive
// as transferred buffers; they are hashed against the blob's digest, inflated (igzip or zlib) and staged
// (layer tar hashed against the diffID and unpacked into a temp dir with its tar-split record), all off the
// daemon's event loop. As in the daemon's own path, the unpacker's input ends only after the digest
// matched, and a blob that fails its digest is reported as such even when its archive broke first.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import { InvalidParameter, WharfError } from '../errors.js';
import { decompress, stageVerifiedAt } from '../images/index.js';
import type { ToDaemon, ToWorker } from './layer-job.js';

const port = parentPort;
if (!port) throw new Error('layer-worker.js runs only as a worker thread');

const ACK_STEP = 1 << 20;

class Job {
  private readonly hash = createHash('sha256');
  // Its consumer asking for more is when the daemon hears how far the unpacker got.
  private readonly input = new Readable({ read: () => this.ack(false), highWaterMark: 1 << 20 });
  private received = 0;
  private acked = 0;
  private staging: Promise<unknown>;
  private failed = false;

  constructor(private readonly start: Extract<ToWorker, { t: 'start' }>) {
    this.staging = decompress(this.input, { size: start.size }).then((tar) => stageVerifiedAt(start.dataRoot, tar, start.diffId));
    this.staging.catch(() => { this.failed = true; this.ack(true); });
  }

  /** Tells the daemon how far the unpacker got (its flow control and "Extracting" progress). */
  private ack(force: boolean): void {
    // What the input still buffers is not taken yet; once the unpack failed, whatever arrives is only
    // hashed: it counts as consumed at once.
    const n = this.failed ? this.received : this.received - this.input.readableLength;
    if (n > this.acked && (force || n - this.acked >= ACK_STEP)) {
      this.acked = n;
      this.send({ t: 'consumed', n });
    }
  }

  data(buf: Buffer): void {
    this.hash.update(buf);
    this.received += buf.length;
    if (this.failed) this.ack(true);
    else this.input.push(buf);
  }

  async end(): Promise<void> {
    const got = `sha256:${this.hash.digest('hex')}`;
    if (got !== this.start.digest || this.received !== this.start.size) {
      this.input.destroy(new InvalidParameter(`filesystem layer verification failed for digest ${this.start.digest}`));
      await this.staging.catch(() => undefined);
      return this.reply(new InvalidParameter(`filesystem layer verification failed for digest ${this.start.digest}`));
    }
    this.input.push(null);
    await this.staging.then((files) => this.send({ t: 'done', files: files as Extract<ToDaemon, { t: 'done' }>['files'] }), (e) => this.reply(e));
  }

  async abort(message: string): Promise<void> {
    this.input.destroy(new WharfError('system', message));
    await this.staging.then(() => undefined, () => undefined);
    this.reply(new WharfError('system', message));
  }

  private send(m: Reply): void { port!.postMessage({ id: this.start.id, ...m }); }

  private reply(err: unknown): void {
    const e = err instanceof WharfError ? err : new WharfError('system', err instanceof Error ? err.message : String(err));
    this.send({ t: 'error', kind: e.kind, message: e.message });
  }
}

/** A message to the daemon without its job id (send adds it). */
type Reply = ToDaemon extends infer T ? (T extends unknown ? Omit<T, 'id'> : never) : never;

const jobs = new Map<number, Job>();
port.on('message', (m: ToWorker) => {
  const job = jobs.get(m.id);
  switch (m.t) {
    case 'start': jobs.set(m.id, new Job(m)); break;
    case 'data': for (const b of m.bufs) job?.data(Buffer.from(b)); break;
    case 'end': void job?.end().finally(() => jobs.delete(m.id)); break;
    case 'abort': void job?.abort(m.message).finally(() => jobs.delete(m.id)); break;
  }
});

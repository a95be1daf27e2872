// Progress messages exactly as dockerd's streamformatter writes them, so the docker client draws its bars:
// {"status":"Downloading","progressDetail":{"current":N,"total":M},"progress":"[==>  ]  1.2MB/3MB","id":"abc"}.
import { humanSize } from '../units/index.js';

export type Message = Record<string, unknown>;

/** jsonmessage.JSONProgress.String() at the daemon's width (200 columns: the bar is always drawn). */
export function progressString(current: number, total: number): string {
  if (current <= 0 && total <= 0) return '';
  if (total <= 0) return humanSize(current).padStart(8);
  const pct = Math.min(50, Math.floor(Math.floor((current / total) * 100) / 2));
  const bar = `[${'='.repeat(pct)}>${' '.repeat(Math.max(0, 50 - pct))}] `;
  const numbers = current > total ? humanSize(current).padStart(8) : `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  return bar + numbers;
}

export const status = (text: string, id?: string): Message => (id === undefined ? { status: text } : { status: text, id });

/** A per-layer line without numbers ("Pulling fs layer", "Pull complete"): progressDetail is {}. */
export const layerStatus = (id: string, text: string): Message => ({ status: text, progressDetail: {}, id });

export function layerProgress(id: string, text: string, current: number, total: number): Message {
  const detail: Record<string, number> = {};
  if (current) detail.current = current;
  if (total) detail.total = total;
  return { status: text, progressDetail: detail, progress: progressString(current, total), id };
}

export const shortId = (digest: string): string => digest.replace(/^[a-z0-9]+:/, '').slice(0, 12);

/**
 * An async queue of messages written by concurrent tasks (layer downloads) and read by the API's
 * stream writer; `fail` ends it with an error the writer puts in-band.
 */
export class ProgressChannel implements AsyncIterable<Message> {
  private queue: Message[] = [];
  private waiter?: () => void;
  private ended = false;
  private error?: unknown;

  push(m: Message): void {
    if (this.ended) return;
    this.queue.push(m);
    this.wake();
  }

  end(): void { this.ended = true; this.wake(); }

  fail(err: unknown): void { if (!this.ended) { this.error = err; this.ended = true; this.wake(); } }

  private wake(): void { const w = this.waiter; this.waiter = undefined; w?.(); }

  async *[Symbol.asyncIterator](): AsyncIterator<Message> {
    for (;;) {
      if (this.queue.length) { yield this.queue.shift()!; continue; }
      if (this.ended) {
        if (this.error !== undefined) throw this.error;
        return;
      }
      await new Promise<void>((r) => { this.waiter = r; });
    }
  }
}

/** Emits a layer's byte progress at most every `intervalMs` (and always the last update). */
export class Throttle {
  private last = 0;
  constructor(private readonly intervalMs = 100) {}
  ready(force = false): boolean {
    const now = Date.now();
    if (!force && now - this.last < this.intervalMs) return false;
    this.last = now;
    return true;
  }
}

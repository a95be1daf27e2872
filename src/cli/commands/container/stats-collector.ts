// The set of containers `docker stats` shows and one stats stream per container, as docker/cli 20.10's
// stats.go and stats_helpers.go keep them.
//
// Lifecycle of a slot: add -> blank row (name "--", zero figures) -> a row per sample; an error, the end of the
// stream or 2 s without a sample marks it invalid (figures print as "--") -> removed on a "die" event (unless
// --all) or kept until the command ends. Without container arguments the set follows the daemon: container
// events are subscribed to first, then the running (or all) containers are listed, so none started in between
// is missed; "start" (and with --all "create") adds a container, "die" (without --all) drops it.
import type { IncomingMessage } from 'node:http';
import { jsonLines, type Client } from '../../../client/index.js';
import { errorText } from '../../command.js';

/** docker/cli's collect() marks a row invalid when no sample came for this long. */
const SILENCE_MS = 2000;

export interface Slot<E> { key: string; entry: E; error?: string }

export interface CollectorOptions<S, E> {
  stream: boolean;
  /** The row for a container before its first sample: a blank StatsEntry named by key. */
  blank(key: string): E;
  /** A sample turned into a row. */
  entry(key: string, sample: S): E;
  /** The row zeroed and marked invalid (SetErrorAndReset) or only marked invalid (SetError). */
  invalid(entry: E, reset: boolean): E;
}

interface EventMessage { id?: string; Action?: string; status?: string; Actor?: { ID?: string } }

export class StatsCollector<S, E> {
  readonly slots = new Map<string, Slot<E>>();
  private readonly stops = new Map<string, () => void>();
  private pending = 0;
  private settled: Array<() => void> = [];
  private events?: IncomingMessage;
  private closed = false;

  constructor(private readonly client: Client, private readonly opts: CollectorOptions<S, E>) {}

  /** Starts collecting a container once (cStats.add); a key already present is left alone. */
  add(key: string): void {
    if (this.closed || this.slots.has(key)) return;
    const slot: Slot<E> = { key, entry: this.opts.blank(key) };
    this.slots.set(key, slot);
    this.pending++;
    void this.collect(slot);
  }

  remove(key: string): void {
    this.slots.delete(key);
    this.stops.get(key)?.();
  }

  /** Resolves once every slot added so far had its first sample, error or silence (waitFirst.Wait). */
  firstSamples(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((resolve) => this.settled.push(resolve));
  }

  /**
   * Follows the daemon's containers (stats without arguments). `onEnd` runs when the event stream stops
   * (a daemon restart ends the command quietly, as docker's does on an unexpected EOF).
   */
  async follow(all: boolean, onEnd: (err?: unknown) => void): Promise<void> {
    this.events = await this.client.events({ filters: { type: ['container'] } });
    void (async () => {
      try {
        for await (const e of jsonLines<EventMessage>(this.events!)) {
          const id = (e.id ?? e.Actor?.ID ?? '').slice(0, 12);
          const action = e.Action ?? e.status;
          if (action === 'start' || (action === 'create' && all)) this.add(id);
          else if (action === 'die' && !all) this.remove(id);
        }
        if (!this.closed) onEnd();
      } catch (err) {
        if (!this.closed) onEnd(err);
      }
    })();
    const listed = await this.client.containerList({ all });
    for (const c of listed) this.add(c.Id.slice(0, 12));
  }

  close(): void {
    this.closed = true;
    this.events?.destroy();
    for (const stop of this.stops.values()) stop();
  }

  private firstDone(): void {
    if (--this.pending > 0) return;
    const waiters = this.settled;
    this.settled = [];
    for (const w of waiters) w();
  }

  /** collect(): one stats request; rows replaced per sample, invalid after an error, the end, or silence. */
  private async collect(slot: Slot<E>): Promise<void> {
    const { stream } = this.opts;
    let first = true;
    const release = () => { if (first) { first = false; this.firstDone(); } };
    let timer: NodeJS.Timeout | undefined;
    let res: IncomingMessage | undefined;
    let stopped = false;
    const stop = () => { stopped = true; clearTimeout(timer); res?.destroy(); release(); };
    this.stops.set(slot.key, stop);
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        slot.entry = this.opts.invalid(slot.entry, true);
        slot.error = 'timeout waiting for stats';
        release();
        if (stream) arm();
      }, SILENCE_MS);
    };
    try {
      res = await this.client.containerStats(slot.key, stream);
      if (stopped) { res.destroy(); return; }
      arm();
      for await (const v of jsonLines<S>(res)) {
        slot.entry = this.opts.entry(slot.key, v);
        slot.error = undefined;
        release();
        if (!stream) break;
        arm();
      }
      if (stream && !stopped) { slot.entry = this.opts.invalid(slot.entry, false); slot.error = 'EOF'; }
    } catch (err) {
      if (!stopped) { slot.entry = this.opts.invalid(slot.entry, false); slot.error = errorText(err); }
    } finally {
      clearTimeout(timer);
      res?.destroy();
      release();
      if (this.stops.get(slot.key) === stop) this.stops.delete(slot.key);
    }
  }
}

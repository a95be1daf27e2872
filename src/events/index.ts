// Docker's event stream: every subsystem publishes through one EventBus owned by the daemon; `GET /events`
// replays the recent history for --since and then follows live events. Messages have Docker's shape
// (Type, Action, Actor{ID, Attributes}, scope, time, timeNano; plus the legacy status/id/from fields).
import { EventEmitter } from 'node:events';

export interface EngineEvent {
  status?: string;
  id?: string;
  from?: string;
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
}

export type EventFilters = Record<string, string[]>;

const HISTORY = 1024; // dockerd keeps the last 256 events; a little more costs nothing

export class EventBus {
  private readonly history: EngineEvent[] = [];
  private readonly emitter = new EventEmitter();

  constructor() { this.emitter.setMaxListeners(0); }

  publish(type: string, action: string, id: string, attributes: Record<string, string> = {}): EngineEvent {
    // Microseconds, from a monotonic clock: a float64 holds every microsecond of unix nanoseconds exactly
    // (spacing 256 ns), so JSON.stringify prints timeNano's true digits the way dockerd's int64 does.
    const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    const nowNs = BigInt(us) * 1000n;
    // Field order as dockerd's events.Message marshals: status, id, from (pre-1.22 fields, kept for
    // container and image events), Type, Action, Actor, scope, time, timeNano.
    const legacy: Pick<EngineEvent, 'status' | 'id' | 'from'> = {};
    if (type === 'container' || type === 'image') {
      legacy.status = action;
      legacy.id = id;
      if (type === 'container' && attributes.image) legacy.from = attributes.image;
    }
    const ev: EngineEvent = {
      ...legacy,
      Type: type,
      Action: action,
      Actor: { ID: id, Attributes: attributes },
      scope: 'local',
      time: Number(nowNs / 1_000_000_000n),
      timeNano: Number(nowNs),
    };
    this.history.push(ev);
    if (this.history.length > HISTORY) this.history.shift();
    this.emitter.emit('event', ev);
    return ev;
  }

  /** Past events matching (since/until in unix nanoseconds), then live ones until `until` or the signal aborts. */
  async *subscribe(opts: { sinceNs?: number; untilNs?: number; filters?: EventFilters; signal?: AbortSignal }): AsyncGenerator<EngineEvent> {
    const queue: EngineEvent[] = [];
    let wake: (() => void) | undefined;
    const onEvent = (ev: EngineEvent) => { queue.push(ev); wake?.(); };
    const onAbort = () => wake?.();
    this.emitter.on('event', onEvent);
    opts.signal?.addEventListener('abort', onAbort);
    try {
      if (opts.sinceNs !== undefined) {
        for (const ev of this.history) {
          if (ev.timeNano >= opts.sinceNs && (opts.untilNs === undefined || ev.timeNano <= opts.untilNs) && matches(ev, opts.filters)) yield ev;
        }
      }
      const untilNs = opts.untilNs;
      if (untilNs !== undefined && untilNs <= Date.now() * 1_000_000) return;
      let timer: NodeJS.Timeout | undefined;
      try {
        while (!opts.signal?.aborted) {
          if (untilNs !== undefined && Date.now() * 1_000_000 >= untilNs) return;
          const ev = queue.shift();
          if (ev) { if (matches(ev, opts.filters)) yield ev; continue; }
          await new Promise<void>((resolve) => {
            wake = resolve;
            // Armed again at each wait: a timer runs on libuv's cached loop clock and can fire a few ms before
            // the wall clock reaches `until`; one timer armed once then left the stream open for good.
            if (untilNs !== undefined) {
              clearTimeout(timer);
              timer = setTimeout(resolve, Math.max(1, Math.ceil(untilNs / 1_000_000 - Date.now()) + 1));
            }
          });
          wake = undefined;
        }
      } finally { if (timer) clearTimeout(timer); }
    } finally {
      this.emitter.off('event', onEvent);
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }
}

/** Docker's event filters: type, event/action, container, image, label (k or k=v), plus volume/network names. */
export function matches(ev: EngineEvent, filters: EventFilters | undefined): boolean {
  if (!filters) return true;
  for (const [key, values] of Object.entries(filters)) {
    if (!values.length) continue;
    const attrs = ev.Actor.Attributes;
    const ok = values.some((v) => {
      switch (key) {
        case 'type': return ev.Type === v;
        case 'event': return ev.Action === v || ev.Action.startsWith(`${v}:`);
        case 'container': return ev.Type === 'container' && (ev.Actor.ID.startsWith(v) || attrs.name === v);
        case 'image': return attrs.image === v || (ev.Type === 'image' && (ev.Actor.ID === v || attrs.name === v));
        case 'label': {
          const [k, val] = v.split('=', 2);
          return val === undefined ? k! in attrs : attrs[k!] === val;
        }
        case 'volume': return ev.Type === 'volume' && ev.Actor.ID === v;
        case 'network': return ev.Type === 'network' && (ev.Actor.ID.startsWith(v) || attrs.name === v);
        case 'daemon': return ev.Type === 'daemon';
        case 'scope': return v === 'local';
        default: return true; // dockerd's events filter ignores keys it does not know
      }
    });
    if (!ok) return false;
  }
  return true;
}

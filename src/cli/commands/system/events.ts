// docker events: one line per event ("<time> container start <id> (image=..., name=...)") or --format.
import { compileTemplate } from '../../format/index.js';
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { FILTER_FLAG, filtersOf } from '../../filter-opt.js';
import { getTimestamp } from '../../timestamp.js';

interface EventMessage {
  status?: string; id?: string; from?: string;
  Type: string; Action: string; Actor: { ID: string; Attributes?: Record<string, string> }; scope?: string; time?: number; timeNano?: number;
  /** timeNano's exact digits (a float64 cannot hold every int64 nanosecond). */
  timeNanoText?: string;
}

/** The daemon's JSON lines, keeping timeNano's digits as sent. */
async function* eventLines(src: AsyncIterable<Buffer | string>): AsyncGenerator<EventMessage> {
  let buf = '';
  const parse = (line: string): EventMessage => {
    const e = JSON.parse(line) as EventMessage;
    const digits = /"timeNano":\s*(\d+)/.exec(line)?.[1];
    if (digits) e.timeNanoText = digits;
    return e;
  };
  for await (const chunk of src) {
    buf += chunk.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) yield parse(line);
    }
  }
  if (buf.trim()) yield parse(buf.trim());
}

/** docker/cli decodes into events.Message and re-encodes it: that struct's field order, omitempty on the legacy fields, map keys sorted. */
function asDockerMessage(e: EventMessage): Record<string, unknown> {
  const attrs = e.Actor.Attributes ?? {};
  const sorted = Object.fromEntries(Object.keys(attrs).sort().map((k) => [k, attrs[k]]));
  const m: Record<string, unknown> = {
    ...(e.status ? { status: e.status } : {}), ...(e.id ? { id: e.id } : {}), ...(e.from ? { from: e.from } : {}),
    Type: e.Type, Action: e.Action, Actor: { ID: e.Actor.ID, Attributes: sorted }, scope: e.scope ?? '', time: e.time ?? 0, timeNano: e.timeNano ?? 0,
  };
  // events.Message's Go field names ({{.Status}}, {{.From}}, {{.Scope}}...), beside its JSON tags for {{json .}}.
  const goFields: Record<string, unknown> = { Status: e.status ?? '', ID: e.id ?? '', From: e.from ?? '', Scope: e.scope ?? '', Time: e.time ?? 0, TimeNano: e.timeNanoText ? BigInt(e.timeNanoText) : e.timeNano ?? 0 };
  for (const [k, v] of Object.entries(goFields)) Object.defineProperty(m, k, { value: v, enumerable: false });
  return m;
}

/** Template output with timeNano's exact digits restored where `json` printed the rounded number. */
function formatted(out: string, e: EventMessage): string {
  return e.timeNanoText && e.timeNano !== undefined ? out.split(`"timeNano":${JSON.stringify(e.timeNano)}`).join(`"timeNano":${e.timeNanoText}`) : out;
}

function pad(n: number, w = 2): string { return String(n).padStart(w, '0'); }

/** jsonmessage.RFC3339NanoFixed in the local zone. */
export function rfc3339NanoFixed(timeNano: number): string {
  return rfc3339Fixed(Math.floor(timeNano / 1e9), String(timeNano % 1e9));
}

/** RFC3339NanoFixed from unix seconds and the nanoseconds' digits, local zone as Go's time.Unix prints it. */
function rfc3339Fixed(secs: number, nanoDigits: string): string {
  const d = new Date(secs * 1000);
  const off = -d.getTimezoneOffset();
  const z = off === 0 ? 'Z' : `${off < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  const nanos = nanoDigits.padStart(9, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${nanos}${z}`;
}

export function prettyEvent(e: EventMessage): string {
  let s = '';
  if (e.timeNanoText && e.timeNanoText.length > 9) s += `${rfc3339Fixed(Number(e.timeNanoText.slice(0, -9)), e.timeNanoText.slice(-9))} `;
  else if (e.timeNano) s += `${rfc3339NanoFixed(e.timeNano)} `;
  else if (e.time) s += `${rfc3339NanoFixed(e.time * 1e9)} `;
  s += `${e.Type} ${e.Action} ${e.Actor.ID}`;
  const attrs = e.Actor.Attributes ?? {};
  const keys = Object.keys(attrs).sort();
  if (keys.length) s += ` (${keys.map((k) => `${k}=${attrs[k]}`).join(', ')})`;
  return `${s}\n`;
}

async function run(ctx: Ctx, flags: FlagValues): Promise<number> {
  const format = flags.format as string | undefined;
  const tmpl = format ? compileTemplate(format) : undefined;
  const since = flags.since as string | undefined;
  const until = flags.until as string | undefined;
  const client = await ctx.client();
  const res = await client.events({ since: since ? getTimestamp(since) : undefined, until: until ? getTimestamp(until) : undefined, filters: filtersOf(flags) });
  const off = ctx.onSignal('SIGINT', () => res.destroy());
  try {
    for await (const e of eventLines(res)) ctx.io.out(tmpl ? `${formatted(tmpl.execute(asDockerMessage(e)), e)}\n` : prettyEvent(e));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE' && !res.destroyed) throw err;
  } finally {
    off();
  }
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS]',
    short: 'Get real time events from the server',
    flags: [
      FILTER_FLAG,
      { name: 'format', type: 'string', usage: 'Format the output using the given Go template' },
      { name: 'since', type: 'string', usage: 'Show all events created since timestamp' },
      { name: 'until', type: 'string', usage: 'Stream events until this timestamp' },
    ],
    args: { kind: 'none' },
  },
  run,
};
export default command;

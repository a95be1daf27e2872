// docker events: one line per event ("<time> container start <id> (image=..., name=...)") or --format.
import { jsonLines } from '../../../client/index.js';
import { compileTemplate } from '../../format/index.js';
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { FILTER_FLAG, filtersOf } from '../../filter-opt.js';
import { getTimestamp } from '../../timestamp.js';

interface EventMessage { Type: string; Action: string; Actor: { ID: string; Attributes?: Record<string, string> }; time?: number; timeNano?: number }

function pad(n: number, w = 2): string { return String(n).padStart(w, '0'); }

/** jsonmessage.RFC3339NanoFixed in the local zone. */
export function rfc3339NanoFixed(timeNano: number): string {
  const ms = Math.floor(timeNano / 1e6);
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  const z = off === 0 ? 'Z' : `${off < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  const nanos = String(timeNano % 1e9).padStart(9, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${nanos}${z}`;
}

export function prettyEvent(e: EventMessage): string {
  let s = '';
  if (e.timeNano) s += `${rfc3339NanoFixed(e.timeNano)} `;
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
    for await (const e of jsonLines<EventMessage>(res)) ctx.io.out(tmpl ? `${tmpl.execute(e)}\n` : prettyEvent(e));
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

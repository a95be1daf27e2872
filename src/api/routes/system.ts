// System routes: /_ping, /version, /info, /system/df, /events, /auth.
import { InvalidParameter } from '../../errors.js';
import { route, need, type ApiRequest, type Route } from '../router.js';
import { sendJson, streamJsonLines } from '../response.js';

const NO_CACHE = { 'Cache-Control': 'no-cache, no-store, must-revalidate', Pragma: 'no-cache' };

async function ping(r: ApiRequest): Promise<void> {
  await r.backend.ping(r.ctx);
  const head = r.req.method === 'HEAD';
  r.res.writeHead(200, { ...NO_CACHE, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': head ? 0 : 2 });
  r.res.end(head ? undefined : 'OK');
}

/**
 * docker sends --since/--until as "seconds[.nanoseconds]" (timetypes.GetTimestamp); the bus wants unix ns.
 * Exact digits are kept by parsing the two halves separately instead of going through a float.
 */
export function timestampNs(v: string | undefined, key: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  const m = /^(-?[0-9]+)(?:\.([0-9]{1,9}))?$/.exec(v);
  if (!m) throw new InvalidParameter(`invalid value for ${key}: ${v}`);
  const secs = Number(m[1]);
  const nanos = Number((m[2] ?? '').padEnd(9, '0') || '0');
  return secs * 1e9 + (secs < 0 ? -nanos : nanos);
}

async function events(r: ApiRequest): Promise<void> {
  const opts = {
    sinceNs: timestampNs(r.query.string('since'), 'since'),
    untilNs: timestampNs(r.query.string('until'), 'until'),
    filters: r.query.filters(),
  };
  if (opts.sinceNs !== undefined && opts.untilNs !== undefined && opts.untilNs < opts.sinceNs) {
    throw new InvalidParameter('`since` time cannot be after `until` time');
  }
  await streamJsonLines(r.res, r.backend.events(opts, r.ctx), { newline: '\n', eagerHeaders: true, where: 'events' });
}

export const systemRoutes: Route[] = [
  route('GET', '/_ping', ping),
  route('HEAD', '/_ping', ping),
  route('GET', '/version', async (r) => sendJson(r.res, 200, await r.backend.version(r.ctx))),
  route('GET', '/info', async (r) => sendJson(r.res, 200, await r.backend.info(r.ctx))),
  route('GET', '/system/df', async (r) => sendJson(r.res, 200, await r.backend.df(r.ctx))),
  route('GET', '/events', events),
  route('POST', '/auth', async (r) => {
    const body = await r.json(true);
    sendJson(r.res, 200, await need(r.backend.auth?.bind(r.backend), 'registry login')(body, r.ctx));
  }),
];

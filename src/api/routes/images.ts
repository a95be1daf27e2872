// Image routes (dockerd's api/server/router/image): list, inspect, history, tag, remove, prune, pull/import,
// push, load, save.
import type { IncomingHttpHeaders } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { InvalidParameter, NotImplemented } from '../../errors.js';
import type { RegistryAuth } from '../backend.js';
import { logUnclassified } from '../errors.js';
import { route, type ApiRequest, type Route } from '../router.js';
import { sendEmpty, sendJson, streamJsonLines } from '../response.js';

const PROGRESS = { newline: '\r\n', eagerHeaders: false } as const;

/** base64url(JSON) as the docker client encodes it; tolerant like dockerd's pull (bad auth = no auth). */
export function decodeAuthHeader<T = RegistryAuth>(value: string | string[] | undefined): T | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
    return parsed !== null && typeof parsed === 'object' ? (parsed as T) : undefined;
  } catch {
    return undefined;
  }
}

function registryAuth(headers: IncomingHttpHeaders): RegistryAuth | undefined {
  return decodeAuthHeader(headers['x-registry-auth']);
}

async function createImage(r: ApiRequest): Promise<void> {
  const q = r.query;
  const fromImage = q.nonEmpty('fromImage');
  const fromSrc = q.nonEmpty('fromSrc');
  let progress;
  if (fromImage !== undefined) {
    progress = await r.backend.pullImage({ fromImage, tag: q.nonEmpty('tag'), platform: q.nonEmpty('platform'), auth: registryAuth(r.headers) }, r.ctx);
  } else if (fromSrc !== undefined) {
    const opts = { fromSrc, repo: q.nonEmpty('repo'), tag: q.nonEmpty('tag'), message: q.nonEmpty('message'), changes: q.all('changes'), platform: q.nonEmpty('platform') };
    progress = await r.backend.importImage(opts, r.body, r.ctx);
  } else {
    throw new InvalidParameter('fromImage or fromSrc must be specified');
  }
  await streamJsonLines(r.res, progress, { ...PROGRESS, where: 'images/create' });
}

async function save(r: ApiRequest, names: string[]): Promise<void> {
  const tar = await r.backend.saveImages(names, r.ctx);
  r.res.writeHead(200, { 'Content-Type': 'application/x-tar' });
  try {
    await pipeline(tar, r.res);
  } catch (err) {
    if (!r.res.destroyed) logUnclassified(err, 'images/get');
    r.res.destroy();
  }
}

function name(r: ApiRequest): string { return r.params.name!; }

export const imageRoutes: Route[] = [
  route('GET', '/images/json', async (r) => {
    const filters = r.query.filters();
    // API < 1.41 clients may still send the single-name `filter` parameter; dockerd folds it into reference.
    const legacy = r.query.nonEmpty('filter');
    if (legacy !== undefined) filters.reference = [...(filters.reference ?? []), legacy];
    sendJson(r.res, 200, await r.backend.listImages({ all: r.query.bool('all'), filters, digests: r.query.bool('digests') }, r.ctx));
  }),
  route('GET', '/images/search', async (r) => {
    const term = r.query.string('term') ?? '';
    const limit = r.query.nonEmpty('limit') !== undefined ? Number(r.query.nonEmpty('limit')) : 25;
    if (!Number.isInteger(limit)) throw new InvalidParameter(`invalid limit: ${r.query.nonEmpty('limit')}`);
    const fn = r.backend.searchImages?.bind(r.backend);
    if (!fn) throw new NotImplemented('image search is not implemented');
    sendJson(r.res, 200, await fn({ term, limit, filters: r.query.filters() }, registryAuth(r.headers), r.ctx));
  }),
  route('GET', '/distribution/{name*}/json', async (r) => {
    const fn = r.backend.distributionInspect?.bind(r.backend);
    if (!fn) throw new NotImplemented('distribution inspect is not implemented');
    sendJson(r.res, 200, await fn(name(r), registryAuth(r.headers), r.ctx));
  }),
  route('GET', '/images/get', async (r) => save(r, r.query.all('names'))),
  route('POST', '/images/create', createImage),
  route('POST', '/images/load', async (r) => {
    // dockerd answers 200 at once and reports any failure, an unreadable tar included, as an error line.
    const backend = r.backend, ctx = r.ctx, body = r.body, quiet = r.query.bool('quiet');
    const progress = (async function* () { yield* await backend.loadImages(body, { quiet }, ctx); })();
    await streamJsonLines(r.res, progress, { ...PROGRESS, eagerHeaders: true, where: 'images/load' });
  }),
  route('POST', '/images/prune', async (r) => sendJson(r.res, 200, await r.backend.pruneImages(r.query.filters(), r.ctx))),
  route('GET', '/images/{name*}/get', async (r) => save(r, [name(r)])),
  route('GET', '/images/{name*}/history', async (r) => sendJson(r.res, 200, await r.backend.imageHistory(name(r), r.ctx))),
  route('GET', '/images/{name*}/json', async (r) => sendJson(r.res, 200, await r.backend.inspectImage(name(r), r.ctx))),
  route('POST', '/images/{name*}/push', async (r) => {
    const progress = await r.backend.pushImage(name(r), { tag: r.query.nonEmpty('tag'), auth: registryAuth(r.headers) }, r.ctx);
    await streamJsonLines(r.res, progress, { ...PROGRESS, where: 'images/push' });
  }),
  route('POST', '/images/{name*}/tag', async (r) => {
    await r.backend.tagImage(name(r), r.query.string('repo') ?? '', r.query.nonEmpty('tag'), r.ctx);
    sendEmpty(r.res, 201);
  }),
  route('DELETE', '/images/{name*}', async (r) => {
    const opts = { force: r.query.bool('force'), noprune: r.query.bool('noprune') };
    sendJson(r.res, 200, await r.backend.removeImage(name(r), opts, r.ctx));
  }),
];

// Volumes, networks, build and distribution: backend methods that may be absent (the router answers 501).
import { NotImplemented } from '../../errors.js';
import type { RegistryAuth } from '../backend.js';
import { need, route, type ApiRequest, type Route } from '../router.js';
import { sendEmpty, sendJson, streamJsonLines } from '../response.js';
import { decodeAuthHeader } from './images.js';

function id(r: ApiRequest): string { return r.params.name!; }

async function listNetworks(r: ApiRequest): Promise<void> {
  sendJson(r.res, 200, await need(r.backend.listNetworks?.bind(r.backend), 'networks')(r.query.filters(), r.ctx));
}

export const volumeRoutes: Route[] = [
  route('GET', '/volumes', async (r) => sendJson(r.res, 200, await need(r.backend.listVolumes?.bind(r.backend), 'volumes')(r.query.filters(), r.ctx))),
  route('POST', '/volumes/create', async (r) => {
    const body = await r.json(true);
    sendJson(r.res, 201, await need(r.backend.createVolume?.bind(r.backend), 'volumes')(body, r.ctx));
  }),
  route('POST', '/volumes/prune', async (r) => sendJson(r.res, 200, await need(r.backend.pruneVolumes?.bind(r.backend), 'volumes')(r.query.filters(), r.ctx))),
  route('GET', '/volumes/{name}', async (r) => sendJson(r.res, 200, await need(r.backend.inspectVolume?.bind(r.backend), 'volumes')(id(r), r.ctx))),
  route('DELETE', '/volumes/{name}', async (r) => {
    await need(r.backend.removeVolume?.bind(r.backend), 'volumes')(id(r), { force: r.query.bool('force') }, r.ctx);
    sendEmpty(r.res, 204);
  }),
];

export const networkRoutes: Route[] = [
  route('GET', '/networks', listNetworks),
  route('GET', '/networks/', listNetworks),
  route('POST', '/networks/create', async (r) => {
    const body = await r.json(true);
    sendJson(r.res, 201, await need(r.backend.createNetwork?.bind(r.backend), 'networks')(body, r.ctx));
  }),
  route('POST', '/networks/prune', async (r) => sendJson(r.res, 200, await need(r.backend.pruneNetworks?.bind(r.backend), 'networks')(r.query.filters(), r.ctx))),
  route('GET', '/networks/{name*}', async (r) => {
    const opts = { verbose: r.query.bool('verbose'), scope: r.query.nonEmpty('scope') };
    sendJson(r.res, 200, await need(r.backend.inspectNetwork?.bind(r.backend), 'networks')(id(r), opts, r.ctx));
  }),
  route('POST', '/networks/{name*}/connect', async (r) => {
    const body = await r.json(true);
    await need(r.backend.connectNetwork?.bind(r.backend), 'networks')(id(r), body, r.ctx);
    sendEmpty(r.res, 200);
  }),
  route('POST', '/networks/{name*}/disconnect', async (r) => {
    const body = await r.json(true);
    await need(r.backend.disconnectNetwork?.bind(r.backend), 'networks')(id(r), body, r.ctx);
    sendEmpty(r.res, 200);
  }),
  route('DELETE', '/networks/{name*}', async (r) => {
    await need(r.backend.removeNetwork?.bind(r.backend), 'networks')(id(r), r.ctx);
    sendEmpty(r.res, 204);
  }),
];

export const buildRoutes: Route[] = [
  route('POST', '/build', async (r) => {
    const auth = decodeAuthHeader<Record<string, RegistryAuth>>(r.headers['x-registry-config']);
    const progress = await need(r.backend.build?.bind(r.backend), 'build')(r.query.entries(), r.body, auth, r.ctx);
    await streamJsonLines(r.res, progress, { newline: '\r\n', eagerHeaders: false, where: 'build' });
  }),
  route('POST', '/build/prune', async (r) => sendJson(r.res, 200, await need(r.backend.pruneBuildCache?.bind(r.backend), 'build cache prune')(r.query.filters(), r.ctx))),
  route('POST', '/build/cancel', async () => { throw new NotImplemented('build cancel is not implemented'); }),
  route('GET', '/distribution/{name*}/json', async () => { throw new NotImplemented('distribution inspect is not implemented'); }),
];

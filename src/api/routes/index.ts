// The whole route table, in dockerd's matching order.
import type { Route } from '../router.js';
import { containerRoutes } from './containers.js';
import { execRoutes } from './exec.js';
import { imageRoutes } from './images.js';
import { buildRoutes, networkRoutes, volumeRoutes } from './resources.js';
import { swarmRoutes } from './swarm.js';
import { systemRoutes } from './system.js';

export function allRoutes(): Route[] {
  return [...systemRoutes, ...execRoutes, ...containerRoutes, ...imageRoutes, ...volumeRoutes, ...networkRoutes, ...buildRoutes, ...swarmRoutes];
}

const HIJACK_PATHS = [/^\/containers\/[^/]+\/attach$/, /^\/exec\/[^/]+\/start$/];

/** Whether a request path (with or without /v1.NN) is one dockerd hijacks. */
export function isHijackPath(path: string): boolean {
  const p = path.replace(/^\/v[0-9.]+(?=\/)/, '');
  return HIJACK_PATHS.some((re) => re.test(p));
}

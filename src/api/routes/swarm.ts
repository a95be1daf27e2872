// Swarm mode and plugins, which wharf does not have: dockerd on a node outside any swarm answers every swarm
// object endpoint with 503 and one fixed text, and lists no plugins. Clients (the docker CLI's `info`, SDK test
// suites) probe these endpoints and expect exactly those answers rather than "page not found".
import { NotFound, Unavailable } from '../../errors.js';
import { route, type Route } from '../router.js';
import { sendJson } from '../response.js';

const NOT_MANAGER = 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';

function notManager(): Promise<never> { return Promise.reject(new Unavailable(NOT_MANAGER)); }

const SWARM_OBJECTS = ['nodes', 'services', 'tasks', 'secrets', 'configs'];

export const swarmRoutes: Route[] = [
  route('GET', '/swarm', notManager),
  route('GET', '/swarm/unlockkey', notManager),
  route('POST', '/swarm/unlock', notManager),
  route('POST', '/swarm/update', notManager),
  route('POST', '/swarm/leave', async () => { throw new Unavailable('This node is not part of a swarm'); }),
  route('POST', '/swarm/init', async () => { throw new Unavailable('wharf does not support swarm mode'); }),
  route('POST', '/swarm/join', async () => { throw new Unavailable('wharf does not support swarm mode'); }),
  ...SWARM_OBJECTS.flatMap((o) => ['GET', 'POST', 'DELETE'].flatMap((m) => [route(m, `/${o}`, notManager), route(m, `/${o}/{name*}`, notManager)])),
  route('GET', '/plugins', async (r) => sendJson(r.res, 200, [])),
  route('GET', '/plugins/privileges', async (r) => sendJson(r.res, 200, [])),
  // dockerd's plugin routes: GET {name}/json, POST {name}/{action}, DELETE {name} (the rest of the path).
  route('GET', '/plugins/{name*}/json', async (r) => { throw noPlugin(r.params.name!); }),
  route('POST', '/plugins/{name*}/{action}', async (r) => { throw noPlugin(r.params.name!); }),
  route('DELETE', '/plugins/{name*}', async (r) => { throw noPlugin(r.params.name!); }),
];

function noPlugin(name: string): NotFound { return new NotFound(`plugin "${name}" not found`); }

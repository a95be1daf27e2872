// Until networking (issue 6) exists, the daemon still answers its read endpoints the
// way an empty Docker does: the three predefined networks and Docker's 404 texts. This keeps
// `docker inspect NAME` (which tries every object type) and `docker network ls` working.
import { createHash } from 'node:crypto';
import type { JsonObject, NetworkBackend } from '../api/index.js';
import { NotFound, NotImplemented } from '../errors.js';

const CREATED = new Date().toISOString().replace('Z', '000000Z');

function predefined(name: string, driver: string): JsonObject {
  return {
    Name: name,
    Id: createHash('sha256').update(`wharf-network-${name}`).digest('hex'),
    Created: CREATED, Scope: 'local', Driver: driver, EnableIPv6: false,
    IPAM: { Driver: 'default', Options: null, Config: [] },
    Internal: false, Attachable: false, Ingress: false, ConfigFrom: { Network: '' }, ConfigOnly: false,
    Containers: {}, Options: {}, Labels: {},
  };
}

const NETWORKS = [predefined('bridge', 'bridge'), predefined('host', 'host'), predefined('none', 'null')];

function findNetwork(ref: string): JsonObject | undefined {
  return NETWORKS.find((n) => n.Name === ref || n.Id === ref || (ref.length >= 1 && String(n.Id).startsWith(ref)));
}

export function builtinNetworks(): NetworkBackend {
  const notYet = async (): Promise<never> => { throw new NotImplemented('user-defined networks are not implemented yet'); };
  return {
    async listNetworks(filters) {
      return NETWORKS.filter((n) => (!filters.name?.length || filters.name.some((v) => String(n.Name).includes(v)))
        && (!filters.driver?.length || filters.driver.includes(String(n.Driver))));
    },
    async inspectNetwork(id) {
      const n = findNetwork(id);
      if (!n) throw new NotFound(`network ${id} not found`);
      return n;
    },
    createNetwork: notYet,
    async removeNetwork(id) {
      const n = findNetwork(id);
      if (!n) throw new NotFound(`network ${id} not found`);
      throw new NotImplemented(`${n.Name} is a pre-defined network and cannot be removed`);
    },
    connectNetwork: notYet,
    disconnectNetwork: notYet,
    async pruneNetworks() { return { NetworksDeleted: null }; },
  };
}

// The /networks endpoints over the network controller: Docker 20.10's JSON for networks, with the
// containers attached (inspect) and Docker's errors.
import type { JsonObject, NetworkBackend } from '../api/index.js';
import type { ContainerManager } from '../containers/index.js';
import type { NetworkManager, NetworkRecord } from '../network/index.js';

export function networkJson(n: NetworkRecord, containers?: Record<string, unknown>): JsonObject {
  return {
    Name: n.Name, Id: n.Id, Created: n.Created, Scope: 'local', Driver: n.Driver, EnableIPv6: false,
    IPAM: { Driver: 'default', Options: n.IPAMOptions, Config: n.IPAMConfig },
    Internal: n.Internal, Attachable: n.Attachable, Ingress: false, ConfigFrom: { Network: '' }, ConfigOnly: false,
    Containers: containers ?? {}, Options: n.Options, Labels: n.Labels,
  };
}

/** The running containers with an endpoint on the network. */
function attached(net: NetworkManager, containers: ContainerManager, n: NetworkRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const rec of containers.store.all()) {
    const ep = net.sandbox(rec.Id)?.Endpoints[n.Id];
    if (!ep) continue;
    out[rec.Id] = { Name: rec.Name.slice(1), EndpointID: ep.EndpointID, MacAddress: ep.Mac, IPv4Address: `${ep.IP}/${ep.Prefix}`, IPv6Address: '' };
  }
  return out;
}

export function networkBackend(net: NetworkManager, containers: ContainerManager, extra: Partial<NetworkBackend>): NetworkBackend {
  return {
    async listNetworks(filters) {
      return net.list().filter((n) => (!filters.name?.length || filters.name.some((v) => n.Name.includes(v)))
        && (!filters.driver?.length || filters.driver.includes(n.Driver))
        && (!filters.id?.length || filters.id.some((v) => n.Id.startsWith(v))))
        .map((n) => networkJson(n));
    },
    async inspectNetwork(id) {
      const n = net.get(id);
      return networkJson(n, attached(net, containers, n));
    },
    createNetwork: extra.createNetwork!,
    removeNetwork: extra.removeNetwork!,
    connectNetwork: extra.connectNetwork!,
    disconnectNetwork: extra.disconnectNetwork!,
    pruneNetworks: extra.pruneNetworks!,
  };
}

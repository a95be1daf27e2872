// NetworkSettings for inspect and ps, Docker 20.10's shapes: the container's networks with their endpoint
// (address, gateway, MAC) while it runs, the same networks with empty endpoints while it is stopped, and
// its published ports.
import { createHash } from 'node:crypto';
import type { ContainerRecord } from '../containers/index.js';
import type { NetworkManager } from '../network/index.js';

export interface NetworkViewResult { settings: Record<string, unknown>; summary: Record<string, unknown>; ports: Array<Record<string, unknown>> }

const EMPTY_ENDPOINT = {
  IPAMConfig: null, Links: null, Aliases: null, NetworkID: '', EndpointID: '', Gateway: '', IPAddress: '',
  IPPrefixLen: 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, MacAddress: '', DriverOpts: null,
};

/**
 * The endpoint dockerd gives a host- or none-mode container on the host/null network: no interface of its
 * own, but an ID, shown in inspect and in `network inspect host|none`. Derived from the container and its
 * start, so it is stable while the container runs and new at each start, as dockerd's.
 */
export function hostEndpointId(rec: ContainerRecord, networkId: string): string {
  return createHash('sha256').update(`${rec.Id}/${rec.State.StartedAt}/${networkId}`).digest('hex');
}

export function networkView(rec: ContainerRecord, network?: NetworkManager): NetworkViewResult {
  const mode = rec.HostConfig.NetworkMode === 'default' ? 'bridge' : rec.HostConfig.NetworkMode;
  const running = rec.State.Status === 'running' || rec.State.Status === 'paused' || rec.State.Status === 'restarting';
  const sb = running ? network?.sandbox(rec.Id) : undefined;
  const networks: Record<string, unknown> = {};
  if (network) {
    const started = !rec.State.StartedAt.startsWith('0001-');
    for (const { net, config } of network.containerNetworks(rec.Id, mode)) {
      const ep = sb?.Endpoints[net.Id];
      if (net.Driver === 'host' || net.Driver === 'null') {
        // dockerd: the network's ID once the container has started (kept after a stop), an endpoint while it runs.
        networks[net.Name] = { ...EMPTY_ENDPOINT, NetworkID: started ? net.Id : '', EndpointID: running ? hostEndpointId(rec, net.Id) : '' };
        continue;
      }
      networks[net.Name] = {
        ...EMPTY_ENDPOINT, IPAMConfig: config.IPAMConfig, Links: config.Links,
        // dockerd keeps a joined network's aliases (with the short ID it added) and ID after the container stops.
        Aliases: config.Aliases, NetworkID: ep ? net.Id : config.NetworkID ?? '',
        ...(ep ? { EndpointID: ep.EndpointID, Gateway: ep.Gateway, IPAddress: ep.IP, IPPrefixLen: ep.Prefix, IPv6Gateway: ep.Gateway6 ?? '', GlobalIPv6Address: ep.IP6 ?? '', GlobalIPv6PrefixLen: ep.Prefix6 ?? 0, MacAddress: ep.Mac } : {}),
        DriverOpts: config.DriverOpts ?? null,
      };
    }
  } else if (!mode.startsWith('container:')) {
    networks[mode] = EMPTY_ENDPOINT;
  }
  const bridgeId = network?.find('bridge')?.Id;
  const main = sb && bridgeId ? sb.Endpoints[bridgeId] : undefined;
  const ports: Record<string, Array<{ HostIp: string; HostPort: string }> | null> = {};
  const summaryPorts: Array<Record<string, unknown>> = [];
  // dockerd shows no ports at all while the container has no way out (--internal networks only).
  if (sb && sb.External !== false) {
    for (const k of Object.keys(rec.Config.ExposedPorts ?? {})) ports[k] = null;
    for (const p of sb.Ports) {
      const k = `${p.port}/${p.proto}`;
      (ports[k] ??= []).push({ HostIp: p.hostIp, HostPort: String(p.hostPort) });
      summaryPorts.push({ IP: p.hostIp, PrivatePort: p.port, PublicPort: p.hostPort, Type: p.proto });
    }
    for (const [k, v] of Object.entries(ports)) {
      if (v === null) { const [port, type] = k.split('/'); summaryPorts.push({ PrivatePort: Number(port), Type: type }); }
    }
  }
  return {
    settings: {
      Bridge: '', SandboxID: sb?.SandboxID ?? (mode === 'host' && running ? hostEndpointId(rec, 'sandbox') : ''), HairpinMode: false, LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0,
      Ports: ports, SandboxKey: sb?.Key ?? '', SecondaryIPAddresses: null, SecondaryIPv6Addresses: null,
      EndpointID: main?.EndpointID ?? '', Gateway: main?.Gateway ?? '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0,
      IPAddress: main?.IP ?? '', IPPrefixLen: main?.Prefix ?? 0, IPv6Gateway: '', MacAddress: main?.Mac ?? '',
      Networks: networks,
    },
    summary: { Networks: networks },
    ports: summaryPorts,
  };
}

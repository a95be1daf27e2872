// The /networks endpoints over the network controller: Docker 20.10's JSON for networks, with the
// containers attached (inspect), request bodies checked the way dockerd's JSON decoding does, and
// Docker's errors.
import type { JsonObject, NetworkBackend } from '../api/index.js';
import type { ContainerManager } from '../containers/index.js';
import { InvalidParameter } from '../errors.js';
import { hostEndpointId } from './network-view.js';
import type { AttachConfig, NetworkManager, NetworkRecord } from '../network/index.js';

export function networkJson(n: NetworkRecord, containers?: Record<string, unknown>): JsonObject {
  return {
    Name: n.Name, Id: n.Id, Created: n.Created, Scope: 'local', Driver: n.Driver, EnableIPv6: n.EnableIPv6 === true,
    IPAM: { Driver: 'default', Options: n.IPAMOptions, Config: n.IPAMConfig },
    Internal: n.Internal, Attachable: n.Attachable, Ingress: false, ConfigFrom: { Network: '' }, ConfigOnly: false,
    Containers: containers ?? {}, Options: n.Options, Labels: n.Labels,
  };
}

/** The running containers with an endpoint on the network. */
function attached(net: NetworkManager, containers: ContainerManager, n: NetworkRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const rec of containers.store.all()) {
    // host and none: every running container of that mode, with dockerd's interface-less endpoint.
    if (n.Driver === 'host' || n.Driver === 'null') {
      const running = rec.State.Status === 'running' || rec.State.Status === 'paused' || rec.State.Status === 'restarting';
      if (running && rec.HostConfig.NetworkMode === n.Name) out[rec.Id] = { Name: rec.Name.slice(1), EndpointID: hostEndpointId(rec, n.Id), MacAddress: '', IPv4Address: '', IPv6Address: '' };
      continue;
    }
    const ep = net.sandbox(rec.Id)?.Endpoints[n.Id];
    if (!ep) continue;
    out[rec.Id] = { Name: rec.Name.slice(1), EndpointID: ep.EndpointID, MacAddress: ep.Mac, IPv4Address: `${ep.IP}/${ep.Prefix}`, IPv6Address: ep.IP6 ? `${ep.IP6}/${ep.Prefix6}` : '' };
  }
  return out;
}

function unmarshalError(field: string, v: unknown, want: string): InvalidParameter {
  const got = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
  return new InvalidParameter(`json: cannot unmarshal ${got} into Go struct field ${field} of type ${want}`);
}

function stringMap(v: unknown, field: string): Record<string, string> | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) throw unmarshalError(field, v, 'map[string]string');
  return v as Record<string, string>;
}

function stringList(v: unknown, field: string): string[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw unmarshalError(field, v, '[]string');
  return v as string[];
}

function bool(v: unknown, field: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw unmarshalError(field, v, 'bool');
  return v;
}

/** The EndpointSettings of connect (and of create's EndpointsConfig). */
function endpointConfig(v: unknown): Partial<AttachConfig> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw unmarshalError('NetworkConnect.EndpointConfig', v, 'network.EndpointSettings');
  const e = v as JsonObject;
  return {
    Aliases: stringList(e.Aliases, 'EndpointSettings.Aliases'),
    IPAMConfig: e.IPAMConfig === undefined || e.IPAMConfig === null ? null : stringMap(e.IPAMConfig, 'EndpointSettings.IPAMConfig'),
    Links: stringList(e.Links, 'EndpointSettings.Links'),
    DriverOpts: stringMap(e.DriverOpts, 'EndpointSettings.DriverOpts'),
  };
}

/** One IPAM.Config entry in dockerd's field order (network.IPAMConfig; empty fields are omitted). */
function ipamConfig(v: unknown, i: number): Record<string, string> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw unmarshalError(`IPAM.Config[${i}]`, v, 'network.IPAMConfig');
  const c = v as JsonObject;
  const out: Record<string, string> = {};
  for (const k of ['Subnet', 'IPRange', 'Gateway'] as const) {
    if (c[k] === undefined || c[k] === null || c[k] === '') continue;
    if (typeof c[k] !== 'string') throw unmarshalError(`IPAMConfig.${k}`, c[k], 'string');
    out[k] = c[k] as string;
  }
  const aux = stringMap(c.AuxiliaryAddresses, 'IPAMConfig.AuxiliaryAddresses');
  if (aux && Object.keys(aux).length) (out as Record<string, unknown>).AuxiliaryAddresses = aux;
  return out;
}

function containerRef(containers: ContainerManager, body: JsonObject): { id: string; name: string; mode: string; running: boolean } {
  const ref = typeof body.Container === 'string' ? body.Container : '';
  const rec = containers.store.get(ref);
  const mode = rec.HostConfig.NetworkMode === 'default' ? 'bridge' : rec.HostConfig.NetworkMode;
  return { id: rec.Id, name: rec.Name.slice(1), mode, running: rec.State.Status === 'running' || rec.State.Status === 'paused' || rec.State.Status === 'restarting' };
}

export function networkBackend(net: NetworkManager, containers: ContainerManager): NetworkBackend {
  return {
    async listNetworks(filters) {
      return net.filter(filters).map((n) => networkJson(n));
    },
    async inspectNetwork(id) {
      const n = net.get(id);
      return networkJson(n, attached(net, containers, n));
    },
    async createNetwork(body) {
      const ipam = (body.IPAM ?? null) as JsonObject | null;
      if (ipam !== null && (typeof ipam !== 'object' || Array.isArray(ipam))) throw unmarshalError('NetworkCreateRequest.IPAM', ipam, 'network.IPAM');
      const config = ipam?.Config ?? [];
      if (!Array.isArray(config)) throw unmarshalError('IPAM.Config', config, '[]network.IPAMConfig');
      const rec = await net.create({
        name: typeof body.Name === 'string' ? body.Name : '',
        driver: typeof body.Driver === 'string' ? body.Driver : '',
        internal: bool(body.Internal, 'NetworkCreateRequest.Internal'),
        attachable: bool(body.Attachable, 'NetworkCreateRequest.Attachable'),
        labels: stringMap(body.Labels, 'NetworkCreateRequest.Labels') ?? {},
        options: stringMap(body.Options, 'NetworkCreateRequest.Options') ?? {},
        ipamConfig: config.map((c, i) => ipamConfig(c, i)),
        ipamOptions: stringMap(ipam?.Options, 'IPAM.Options'),
        enableIPv6: bool(body.EnableIPv6, 'NetworkCreateRequest.EnableIPv6'),
        checkDuplicate: bool(body.CheckDuplicate, 'NetworkCreateRequest.CheckDuplicate'),
      });
      // Without CheckDuplicate dockerd creates a second network of the same name and says so.
      const twin = net.filter({}).find((n) => n.Name === rec.Name && n.Id !== rec.Id);
      return { Id: rec.Id, Warning: twin ? `Network with name ${rec.Name} (id : ${twin.Id}) already exists` : '' };
    },
    async removeNetwork(id) { await net.remove(id); },
    async connectNetwork(id, body) {
      const c = containerRef(containers, body);
      await net.connect(c, id, endpointConfig(body.EndpointConfig));
      // A default-bridge container's first user-defined network brings the embedded DNS server (dockerd).
      const joined = net.get(id);
      if (c.mode === 'bridge' && joined.Driver === 'bridge' && joined.Name !== 'bridge' && net.sandbox(c.id)) await containers.useEmbeddedDns(c.id);
    },
    async disconnectNetwork(id, body) {
      await net.disconnect(containerRef(containers, body), id);
    },
    async pruneNetworks(filters) {
      const names = await net.prune(filters);
      return { NetworksDeleted: names.length ? names : null };
    },
  };
}

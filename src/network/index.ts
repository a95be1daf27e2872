// network/: bridge networking. Linux bridges, veth pairs into per-container network namespaces (iproute2),
// IPAM persisted under the data root, iptables chains owned by the daemon (masquerade, published ports,
// isolation), user-defined bridge networks, and the views of networks and endpoints the Engine API shows.
export { NetworkManager } from './manager.js';
export type {
  NetworkOptions, NetworkRecord, EndpointRecord, SandboxRecord, SandboxRequest, SandboxInfo, PortBinding, AttachConfig,
  CreateRequest, ContainerRef, EndpointEntry, NetworkEvent,
} from './types.js';
export { chainNames } from './iptables.js';
export { isPredefined } from './network-filters.js';
export type { Filters as NetworkFilters } from './network-filters.js';
export { containerResolvConf, EMBEDDED_DNS_IP } from './dns/resolv-conf.js';
export type { ResolvConfRequest } from './dns/resolv-conf.js';

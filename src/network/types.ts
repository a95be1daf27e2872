// The network controller's records and requests: networks, endpoints, sandboxes and attachments as the
// state file keeps them, and what container starts, connects and network creates ask for.
import type { DnsRequest, SandboxDns } from './dns/embedded.js';

export interface NetworkRecord {
  Id: string;
  Name: string;
  Driver: 'bridge' | 'host' | 'null';
  Created: string;
  Internal: boolean;
  Attachable: boolean;
  Labels: Record<string, string>;
  Options: Record<string, string>;
  /** IPAM as the user gave it (inspect echoes it); Subnet/Gateway below are what is in effect. */
  IPAMConfig: Array<Record<string, string>>;
  IPAMOptions: Record<string, string> | null;
  Subnet?: string;
  Gateway?: string;
  IPRange?: string;
  Bridge?: string;
  /** The subnet came from the user (only then may containers ask for a fixed address, as in dockerd). */
  UserSubnet?: boolean;
  /** `--ipv6` with an IPv6 pool: endpoints get an address from Subnet6 (IPRange6) too. */
  EnableIPv6?: boolean;
  Subnet6?: string;
  Gateway6?: string;
  IPRange6?: string;
}

export interface EndpointRecord {
  EndpointID: string;
  NetworkID: string;
  IP: string;
  Prefix: number;
  Gateway: string;
  Mac: string;
  HostVeth: string;
  IfName: string;
  Aliases: string[] | null;
  IPAMConfig: Record<string, string> | null;
  Links: string[] | null;
  /** On an IPv6 network: the endpoint's IPv6 address, prefix length and gateway. */
  IP6?: string;
  Prefix6?: number;
  Gateway6?: string;
}

export interface PortBinding { proto: 'tcp' | 'udp'; port: number; hostIp: string; hostPort: number }

export interface SandboxRecord {
  SandboxID: string;
  Netns: string;
  Key: string;
  Endpoints: Record<string, EndpointRecord>;
  Ports: PortBinding[];
  /** The container's name (without the slash): what the embedded DNS server answers for it. */
  Name?: string;
  /** Where the embedded DNS server forwards this container's other queries. */
  Dns?: SandboxDns;
  /**
   * The number the next hot-plugged interface gets (eth<N>): libnetwork counts every interface added to a
   * sandbox and never counts down, so eth0 disconnected and connected again comes back as eth1.
   */
  NextIf?: number;
  /**
   * false while no endpoint gives the sandbox a way out (only --internal networks): like libnetwork, ports
   * are published only through an external endpoint, so they wait in PortRequest until one is connected.
   */
  External?: boolean;
  PortRequest?: Pick<SandboxRequest, 'portBindings' | 'publishAll' | 'exposed'>;
}

/** A network a container is configured to join (kept while it is stopped, like Docker's NetworkSettings). */
export interface AttachConfig {
  Aliases: string[] | null;
  IPAMConfig: Record<string, string> | null;
  Links: string[] | null;
  DriverOpts?: Record<string, string> | null;
  /** Set once the container has joined the network (started, or connected): dockerd shows "" before. */
  NetworkID?: string;
  /** The network's name when the attachment was made (for dockerd's error if it is removed meanwhile). */
  Name?: string;
}

/** POST /networks/create, already parsed from its JSON. */
export interface CreateRequest {
  name: string;
  driver: string;
  internal: boolean;
  attachable: boolean;
  labels: Record<string, string>;
  options: Record<string, string>;
  ipamConfig: Array<Record<string, string>>;
  ipamOptions: Record<string, string> | null;
  enableIPv6?: boolean;
  /** CheckDuplicate: refuse a name already taken (the docker CLI always asks; without it dockerd warns). */
  checkDuplicate?: boolean;
}

/** The container a connect or disconnect is about. */
export interface ContainerRef { id: string; name: string; mode: string; running?: boolean }

/** One container's endpoint on a network, for name resolution (the embedded DNS server) and views. */
export interface EndpointEntry { containerId: string; name: string; aliases: string[]; ip: string; endpointId: string; networkId: string }

export type NetworkEvent = (action: 'create' | 'destroy' | 'connect' | 'disconnect', net: NetworkRecord, containerId?: string) => void;

export interface State {
  networks: NetworkRecord[];
  sandboxes: Record<string, SandboxRecord>;
  attachments: Record<string, Record<string, AttachConfig>>;
}

export interface NetworkOptions {
  dataRoot: string;
  /** dockerd's -b/--bridge: the default bridge's interface name ("none": no default bridge). */
  bridge?: string;
  /** dockerd's --bip: the default bridge's gateway address and prefix, e.g. 10.5.0.1/24. */
  bip?: string;
  /** Network events (docker events' "network" type). */
  onEvent?: NetworkEvent;
  /** The host's resolv.conf (default /etc/resolv.conf; tests point it elsewhere through WHARF_RESOLV_CONF). */
  resolvConf?: string;
}

/** What a container start asks for. */
export interface SandboxRequest {
  containerId: string;
  name: string;
  mode: string;
  portBindings: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | null | undefined;
  publishAll: boolean;
  exposed: Record<string, unknown> | null | undefined;
  /** --dns, --dns-search, --dns-option: where the embedded server forwards for this container. */
  dns?: DnsRequest;
  /** --mac-address: the first endpoint's MAC instead of the one derived from its address. */
  macAddress?: string;
}

/** embeddedDns: the container's resolv.conf must point at 127.0.0.11 (it is on a user-defined network). */
export interface SandboxInfo {
  key: string; ip?: string; endpoints: EndpointRecord[]; embeddedDns?: boolean;
  /** Resolves once the namespace's interfaces are configured: the container's process may start then. */
  ready: Promise<void>;
}

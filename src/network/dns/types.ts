// The embedded DNS server's objects and their lifecycle.
//
// One DnsServer per daemon. It listens (UDP and TCP, port 53) on the gateway address of every user-defined
// bridge network: a listener opens when the network's bridge has its address (daemon start, network
// create) and closes when the network goes. Containers never see those addresses: each container on a
// user-defined network has two nat rules in its own namespace that send 127.0.0.11:53 to its network's
// gateway, with the container's address as source. So the source address of a query names the asking
// container, and its Scope (the user-defined networks it is on, their names and the upstream servers it
// forwards to) is looked up afresh for every query from the network controller's state: nothing is
// registered or unregistered per container, and nothing can go stale when a container stops or a daemon
// restarts (the rules live in the container's namespace, the state on disk).

/** One name a network knows: a container's address under its name, its aliases and its short ID. */
export interface NameEntry {
  ip: string;
  /** The container's name: what a PTR query answers (as `<name>.<network>`). */
  name: string;
  /** Network aliases (--network-alias, compose service names) and the 12-hex short ID. */
  aliases: string[];
}

/** A user-defined network as one asker sees it. */
export interface NetworkNames {
  network: string;
  entries: NameEntry[];
  /** The asker's legacy --link aliases on this network: alias -> the linked container's name. */
  links: Record<string, string>;
}

/** What one container may resolve and where its other queries go. */
export interface Scope {
  networks: NetworkNames[];
  /** At most 3 servers, tried in order (dockerd's maxExtDNS). */
  upstreams: string[];
  /** The user set ndots: single-label names missing here get an empty answer instead of going out. */
  ndotsSet: boolean;
}

export interface ScopeSource {
  /** The scope of the container that has this address, or undefined for anyone else. */
  scope(askerIp: string): Scope | undefined;
}

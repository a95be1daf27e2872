// The network controller: networks (the default bridge, host, none, and user-defined bridges), IP address
// management, and each container's sandbox (a named network namespace with one veth per network). All of
// it is kept in one JSON state file under the data root so addresses survive daemon restarts; kernel state
// (bridges, veths, namespaces, iptables chains) is derived from it and re-applied at start.
import { randomBytes } from 'node:crypto';
import { mkdir, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Conflict, InvalidParameter, NotFound, Forbidden, SystemError } from '../errors.js';
import { readJsonOr, writeJsonAtomic } from '../store/index.js';
import { contains, defaultPools, formatCidr, formatIp, hostRoutes, isIp, macFor, overlaps, parseCidr, parseIp, size, type Cidr } from './addr.js';
import { contains6, formatCidr6, formatIp6, lastOf6, overlaps6, parseCidr6, parseIp6, type Cidr6 } from './addr6.js';
import { ephemeralRange } from './host-ports.js';
import { PortProxies, ipv6Listenable, isIp6, type ProxyBinding } from './port-proxy.js';
import { applyRules, ensureJumps, renderRules, type BridgeRule, type PortRule } from './iptables.js';
import { addVeth, createSandbox, deleteLink, ensureBridge, removeSandbox, setDefaultRoute, writeSysctl } from './netlink.js';
import { isPredefined, listFilter, pruneFilter, type Filters } from './network-filters.js';
import { EmbeddedDns } from './dns/embedded.js';
import type { AttachConfig, ContainerRef, CreateRequest, EndpointEntry, EndpointRecord, NetworkEvent, NetworkOptions, NetworkRecord, PortBinding, SandboxInfo, SandboxRecord, SandboxRequest, State } from './types.js';

/** time.Now() in RFC 3339 with nanoseconds, as dockerd stamps a network's Created. */
const nowCreated = () => new Date().toISOString().replace('Z', `${String(process.hrtime.bigint() % 1_000_000n).padStart(6, '0')}Z`);
const newId = () => randomBytes(32).toString('hex');

export class NetworkManager {
  private state!: State;
  private readonly statePath: string;
  private chain: Promise<unknown> = Promise.resolve();
  private listeners: Array<() => void> = [];
  readonly tag: string;
  readonly defaultBridge: string | undefined;
  readonly dns: EmbeddedDns;
  /** The sockets holding published host ports (and relaying IPv6 ones). */
  private readonly proxies = new PortProxies();
  /** The last random host port handed out per protocol and addresses (dockerd's allocator goes round). */
  private readonly lastPort = new Map<string, number>();

  private constructor(private readonly opts: NetworkOptions) {
    this.statePath = join(opts.dataRoot, 'network', 'state.json');
    this.defaultBridge = opts.bridge === 'none' ? undefined : (opts.bridge || 'wharf0');
    this.tag = opts.bridge && opts.bridge !== 'none' ? opts.bridge : 'wharf0';
    this.dns = new EmbeddedDns(() => this.state, { resolvConf: opts.resolvConf });
  }

  static async open(opts: NetworkOptions): Promise<NetworkManager> {
    const m = new NetworkManager(opts);
    await mkdir(join(opts.dataRoot, 'network'), { recursive: true });
    m.state = await readJsonOr<State>(m.statePath, { networks: [], sandboxes: {}, attachments: {} });
    m.state.attachments ??= {};
    await m.init();
    await m.dns.sync();
    return m;
  }

  /** Serialises state changes (one daemon, one state file). */
  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private save(): Promise<void> { return writeJsonAtomic(this.statePath, this.state); }

  private async init(): Promise<void> {
    const s = this.state;
    for (const [name, driver] of [['host', 'host'], ['none', 'null']] as const) {
      if (!s.networks.some((n) => n.Name === name)) s.networks.push(this.record(name, driver));
    }
    if (this.defaultBridge) {
      let net = s.networks.find((n) => n.Name === 'bridge');
      if (!net) { net = this.record('bridge', 'bridge'); s.networks.unshift(net); }
      net.Bridge = this.defaultBridge;
      net.Options = {
        'com.docker.network.bridge.default_bridge': 'true', 'com.docker.network.bridge.enable_icc': 'true',
        'com.docker.network.bridge.enable_ip_masquerade': 'true', 'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
        'com.docker.network.bridge.name': this.defaultBridge, 'com.docker.network.driver.mtu': '1500',
      };
      if (this.opts.bip) {
        const c = parseCidr(this.opts.bip);
        net.Subnet = formatCidr(c);
        net.Gateway = formatIp(c.ip === c.base ? c.base + 1 : c.ip);
      }
      if (!net.Subnet) {
        await withPickLock(async () => {
          const c = this.pickSubnet();
          net!.Subnet = formatCidr(c);
          net!.Gateway = formatIp(c.base + 1);
          await this.save();
          await ensureBridge(this.defaultBridge!, `${net!.Gateway}/${c.prefix}`);
        });
      }
      net.IPAMConfig = [{ Subnet: net.Subnet!, Gateway: net.Gateway! }];
    } else {
      s.networks = s.networks.filter((n) => n.Name !== 'bridge');
    }
    await writeSysctl('/proc/sys/net/ipv4/ip_forward', '1');
    for (const n of s.networks) {
      if (n.Driver === 'bridge' && n.Bridge) await ensureBridge(n.Bridge, `${n.Gateway}/${parseCidr(n.Subnet!).prefix}`, gateway6Of(n));
    }
    // Sandboxes whose namespace is gone (host reboot) cannot be running any more: forget them.
    for (const [cid, sb] of Object.entries(s.sandboxes)) {
      if (!(await stat(sb.Key).then(() => true, () => false))) delete s.sandboxes[cid];
    }
    await this.save();
    await this.applyRules();
    await ensureJumps(this.tag);
  }

  private record(name: string, driver: NetworkRecord['Driver']): NetworkRecord {
    return { Id: newId(), Name: name, Driver: driver, Created: nowCreated(), Internal: false, Attachable: false, Labels: {}, Options: {}, IPAMConfig: [], IPAMOptions: null };
  }

  /** A free subnet: none of the host's routes and none of our networks overlap it. */
  private pickSubnet(): Cidr {
    const routes = hostRoutes();
    const ours = this.state.networks.filter((n) => n.Subnet).map((n) => parseCidr(n.Subnet!));
    for (const c of defaultPools()) {
      if (routes.some((r) => overlaps(r, c)) || ours.some((o) => overlaps(o, c))) continue;
      return c;
    }
    throw new Forbidden('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
  }

  private async applyRules(): Promise<void> {
    const bridges: BridgeRule[] = this.state.networks.filter((n) => n.Driver === 'bridge' && n.Bridge)
      .map((n) => ({ bridge: n.Bridge!, subnet: n.Subnet!, internal: n.Internal }));
    const ports: PortRule[] = [];
    const held: Parameters<PortProxies['sync']>[0] = [];
    for (const sb of Object.values(this.state.sandboxes)) {
      const ep = this.gatewayEndpoint(sb);
      const net = ep && this.state.networks.find((n) => n.Id === ep.NetworkID);
      for (const p of sb.Ports) {
        // Ports stay held when the external network is disconnected (dockerd keeps them too), but they lead
        // nowhere: an --internal network is never reached from outside.
        const open = ep && net?.Bridge && !net.Internal;
        if (open) ports.push({ proto: p.proto, hostIp: p.hostIp, hostPort: p.hostPort, ip: ep.IP, port: p.port, bridge: net.Bridge! });
        held.push({ proto: p.proto, hostIp: p.hostIp, hostPort: p.hostPort, target: open ? { ip: ep.IP, port: p.port } : undefined });
      }
    }
    // IPv4 bindings are DNATed by the kernel; IPv6 ones only reach the container through their socket.
    await applyRules(renderRules(this.tag, bridges, ports.filter((p) => !isIp6(p.hostIp))));
    await this.proxies.sync(held);
  }

  list(): NetworkRecord[] { return this.state.networks; }

  /** By full name, full ID, then unique ID prefix (Docker's order). */
  find(ref: string): NetworkRecord | undefined {
    const s = this.state.networks;
    // dockerd's order: full ID, full name (ambiguous when CheckDuplicate=false let a name repeat), ID prefix.
    const byId = s.find((n) => n.Id === ref);
    if (byId) return byId;
    const byName = s.filter((n) => n.Name === ref);
    if (byName.length > 1) throw new InvalidParameter(`network ${ref} is ambiguous (${byName.length} matches found based on name)`);
    if (byName[0]) return byName[0];
    const pre = s.filter((n) => n.Id.startsWith(ref));
    return pre.length === 1 ? pre[0] : undefined;
  }

  get(ref: string): NetworkRecord {
    const n = this.find(ref);
    if (!n) throw new NotFound(`network ${ref} not found`);
    return n;
  }

  sandbox(containerId: string): SandboxRecord | undefined { return this.state.sandboxes[containerId]; }

  /** The networks a container belongs to (by network ID), running or not. */
  containerNetworks(containerId: string, mode: string): Array<{ net: NetworkRecord; config: AttachConfig }> {
    const att = this.state.attachments[containerId];
    if (att) {
      return Object.entries(att).flatMap(([id, config]) => {
        const net = this.state.networks.find((n) => n.Id === id);
        return net ? [{ net, config }] : [];
      });
    }
    if (mode.startsWith('container:')) return [];
    const net = this.find(mode === 'default' ? 'bridge' : mode);
    return net ? [{ net, config: { Aliases: null, IPAMConfig: null, Links: null } }] : [];
  }

  /** Records the networks a new container will join (POST /containers/create's NetworkingConfig). */
  async configure(containerId: string, mode: string, endpoints: Record<string, { Aliases?: string[] | null; IPAMConfig?: Record<string, string> | null; Links?: string[] | null; DriverOpts?: Record<string, string> | null } | null> | undefined): Promise<void> {
    if (mode.startsWith('container:')) return;
    const m = mode === 'default' ? 'bridge' : mode;
    const net = this.find(m);
    // No such network: created anyway and refused at start, as dockerd does (kept by name: resolveNamed).
    if (!net) return this.locked(async () => { this.state.attachments[containerId] = { [m]: { Aliases: null, IPAMConfig: null, Links: null, Name: m } }; await this.save(); });
    const att: Record<string, AttachConfig> = {};
    const given = endpoints?.[m] ?? endpoints?.[net.Id] ?? Object.values(endpoints ?? {})[0] ?? null;
    const ipam = given?.IPAMConfig && Object.values(given.IPAMConfig).some((v) => v) ? given.IPAMConfig : null;
    checkEndpointConfig(net, ipam, given?.Aliases);
    // dockerd checks only the form at create; whether the address is in the subnet is found at start.
    if (ipam?.IPv4Address && !isIp(ipam.IPv4Address)) throw new InvalidParameter(`invalid IPv4 address: ${ipam.IPv4Address}`);
    if (ipam?.IPv6Address && !isIp6Addr(ipam.IPv6Address)) throw new InvalidParameter(`invalid IPv6 address: ${ipam.IPv6Address}`);
    att[net.Id] = { Aliases: given?.Aliases?.length ? given.Aliases : null, IPAMConfig: ipam, Links: given?.Links?.length ? given.Links : null, DriverOpts: given?.DriverOpts ?? null, Name: net.Name };
    await this.locked(async () => { this.state.attachments[containerId] = att; await this.save(); });
  }

  /** An attachment recorded by name at create (no such network then) moves to the network's ID once it exists. */
  private resolveNamed(containerId: string): void {
    const att = this.state.attachments[containerId] ?? {};
    for (const [key, config] of Object.entries(att)) {
      const net = this.state.networks.some((n) => n.Id === key) ? undefined : this.find(key);
      if (net && !att[net.Id]) { delete att[key]; att[net.Id] = { ...config, Name: net.Name }; }
    }
  }

  /** The container's attachments, made explicit in the state (containers from before attachments existed). */
  private attachmentsOf(containerId: string, mode: string): Array<{ net: NetworkRecord; config: AttachConfig }> {
    if (!this.state.attachments[containerId]) {
      this.state.attachments[containerId] = Object.fromEntries(this.containerNetworks(containerId, mode).map(({ net, config }) => [net.Id, config]));
    }
    return this.containerNetworks(containerId, mode);
  }

  /**
   * dockerd adds the short container ID to a user-defined network's aliases when the container joins (or
   * is connected while stopped) and shows the network's ID once it has really joined.
   */
  private joined(containerId: string, net: NetworkRecord, config: AttachConfig, running = true): void {
    if (running) config.NetworkID = net.Id;
    if (isPredefined(net)) return;
    const short = containerId.slice(0, 12);
    if (!config.Aliases?.includes(short)) config.Aliases = [...(config.Aliases ?? []), short];
  }

  private network(id: string): NetworkRecord {
    const n = this.state.networks.find((x) => x.Id === id);
    if (!n) throw new NotFound(`network ${id} not found`);
    return n;
  }

  /**
   * The endpoint that carries the default route (and published ports): like libnetwork's endpoint order,
   * non-internal networks first, then by network name.
   */
  private gatewayEndpoint(sb: SandboxRecord): EndpointRecord | undefined {
    const eps = Object.values(sb.Endpoints).flatMap((ep) => {
      const net = this.state.networks.find((n) => n.Id === ep.NetworkID);
      return net ? [{ ep, net }] : [];
    });
    eps.sort((a, b) => Number(a.net.Internal) - Number(b.net.Internal) || (a.net.Name < b.net.Name ? -1 : a.net.Name > b.net.Name ? 1 : 0));
    return eps[0]?.ep;
  }

  /** The sandbox has an endpoint on a network that is not --internal (libnetwork's external connectivity). */
  private hasExternal(sb: SandboxRecord): boolean {
    return Object.values(sb.Endpoints).some((ep) => this.state.networks.some((n) => n.Id === ep.NetworkID && !n.Internal));
  }

  /**
   * After a connect or disconnect: ports a sandbox on internal networks only was denied are published once
   * an external endpoint comes (dockerd programs them then).
   */
  private async followExternal(sb: SandboxRecord, containerId: string): Promise<void> {
    sb.External = this.hasExternal(sb);
    if (sb.External && !sb.Ports.length && sb.PortRequest) {
      sb.Ports = await this.allocatePorts({ containerId, name: sb.Name ?? '', mode: '', ...sb.PortRequest }, sb);
    }
    // Once published they stay (as dockerd's do) when the external endpoint goes, shown and held.
    if (sb.Ports.length) sb.External = true;
  }

  private emit(action: Parameters<NetworkEvent>[0], net: NetworkRecord, containerId?: string): void {
    try { this.opts.onEvent?.(action, net, containerId); } catch { /* a listener's failure is not the network's */ }
    for (const fn of this.listeners) { try { fn(); } catch { /* same */ } }
  }

  /** Calls `fn` after every change of networks or endpoints (the embedded DNS server refreshes its view). */
  watch(fn: () => void): () => void {
    this.listeners.push(fn);
    return () => { this.listeners = this.listeners.filter((f) => f !== fn); };
  }

  /** The running containers' endpoints on a network: container ID and name, aliases (with the short ID), address. */
  endpoints(ref: string): EndpointEntry[] {
    const net = this.get(ref);
    const out: EndpointEntry[] = [];
    for (const [cid, sb] of Object.entries(this.state.sandboxes)) {
      const ep = sb.Endpoints[net.Id];
      if (!ep) continue;
      const aliases = this.state.attachments[cid]?.[net.Id]?.Aliases ?? ep.Aliases ?? [];
      out.push({ containerId: cid, name: sb.Name ?? '', aliases: [...aliases], ip: ep.IP, endpointId: ep.EndpointID, networkId: net.Id });
    }
    return out;
  }

  /** A running container was renamed: its endpoints answer to the new name (docker rename). */
  async renamed(containerId: string, name: string): Promise<void> {
    const sb = this.state.sandboxes[containerId];
    if (!sb) return;
    await this.locked(async () => { sb.Name = name; await this.save(); });
    for (const fn of this.listeners) { try { fn(); } catch { /* a listener's failure is not ours */ } }
  }

  private hasEndpoints(net: NetworkRecord): boolean {
    return Object.values(this.state.sandboxes).some((sb) => sb.Endpoints[net.Id]);
  }

  /** GET /networks with its filters. */
  filter(filters: Filters): NetworkRecord[] {
    return this.state.networks.filter(listFilter(filters));
  }

  // ---- container sandboxes -------------------------------------------------------------------------------

  /** Sets up the container's namespace before its process starts; returns the namespace path. */
  async setup(req: SandboxRequest): Promise<SandboxInfo> {
    const sbId = newId();
    const sb: SandboxRecord = { SandboxID: sbId, Netns: `wharf-${sbId.slice(0, 12)}`, Key: '', Endpoints: {}, Ports: [], Name: req.name };
    sb.Dns = await this.dns.sandboxDns(req.dns ?? {});
    sb.Key = `/run/netns/${sb.Netns}`;
    let nets: Array<{ net: NetworkRecord; config: AttachConfig }> = [];
    let embeddedDns = false;
    await this.locked(async () => {
      if (this.state.sandboxes[req.containerId]) await this.teardownLocked(req.containerId);
      this.resolveNamed(req.containerId);
      nets = this.attachmentsOf(req.containerId, req.mode).filter(({ net }) => net.Driver === 'bridge');
      // A network removed while the container was stopped (or missing at create): dockerd refuses the start.
      for (const [id, config] of Object.entries(this.state.attachments[req.containerId] ?? {})) {
        if (!this.state.networks.some((n) => n.Id === id)) throw new NotFound(`network ${config.Name ?? id} not found`);
      }
      for (const { net, config } of nets) {
        this.joined(req.containerId, net, config);
        const index = Object.keys(sb.Endpoints).length;
        const ep = this.allocate(net, config, index);
        if (index === 0 && req.macAddress) ep.Mac = req.macAddress;
        sb.Endpoints[net.Id] = ep;
      }
      sb.NextIf = Object.keys(sb.Endpoints).length;
      sb.External = this.hasExternal(sb);
      if (Object.keys(req.portBindings ?? {}).length || req.publishAll) sb.PortRequest = { portBindings: req.portBindings, publishAll: req.publishAll, exposed: req.exposed };
      sb.Ports = sb.External ? await this.allocatePorts(req, sb) : [];
      this.state.sandboxes[req.containerId] = sb;
      await this.save();
    });
    let ready: Promise<void>;
    try {
      const gw = this.gatewayEndpoint(sb);
      ({ configured: ready } = await createSandbox(sb.Netns, Object.values(sb.Endpoints).map((ep) => {
        const net = this.network(ep.NetworkID);
        return { hostName: ep.HostVeth, ifName: ep.IfName, bridge: net.Bridge!, mac: ep.Mac, cidr: `${ep.IP}/${ep.Prefix}`, gateway: ep === gw ? ep.Gateway : undefined, hairpin: sb.Ports.length > 0, ...v6Of(ep) };
      })));
      embeddedDns = await this.dns.prepareSandbox(sb, ready);
      if (sb.Ports.length) await this.locked(() => this.applyRules());
    } catch (err) {
      await this.teardown(req.containerId).catch(() => undefined);
      throw err;
    }
    for (const { net } of nets) this.emit('connect', net, req.containerId);
    const firstEp = Object.values(sb.Endpoints)[0];
    return { key: sb.Key, ip: firstEp?.IP, endpoints: Object.values(sb.Endpoints), embeddedDns, ready };
  }

  /**
   * Releases a stopped container's addresses, ports, veths and namespace. `onReleased` runs once the
   * sandbox is out of the state and its disconnect events are out, before the veths and namespace are
   * deleted (the slow part: a veth deletion waits for an RCU grace period); every later network operation
   * queues behind the whole teardown.
   */
  teardown(containerId: string, onReleased?: () => void): Promise<void> {
    return this.locked(() => this.teardownLocked(containerId, onReleased));
  }

  private async teardownLocked(containerId: string, onReleased?: () => void): Promise<void> {
    const sb = this.state.sandboxes[containerId];
    if (!sb) return;
    delete this.state.sandboxes[containerId];
    for (const ep of Object.values(sb.Endpoints)) {
      const net = this.state.networks.find((n) => n.Id === ep.NetworkID);
      if (net) this.emit('disconnect', net, containerId);
    }
    onReleased?.();
    await this.save();
    await removeSandbox(sb.Netns, Object.values(sb.Endpoints).map((ep) => ep.HostVeth));
    if (sb.Ports.length) await this.applyRules();
  }

  /** The container is gone: forget its network configuration too. */
  async forget(containerId: string): Promise<void> {
    await this.teardown(containerId);
    await this.locked(async () => { delete this.state.attachments[containerId]; await this.save(); });
  }

  private inUse(net: NetworkRecord): Set<number> {
    const used = new Set<number>();
    for (const sb of Object.values(this.state.sandboxes)) {
      const ep = sb.Endpoints[net.Id];
      if (ep) used.add(parseIp(ep.IP));
    }
    return used;
  }

  private allocate(net: NetworkRecord, config: AttachConfig, index: number): EndpointRecord {
    const subnet = parseCidr(net.Subnet!);
    const gw = parseIp(net.Gateway!);
    const used = this.inUse(net);
    let ip: number | undefined;
    const want = config.IPAMConfig?.IPv4Address;
    if (want) {
      const n = parseIp(want);
      if (!contains(subnet, n)) throw new InvalidParameter(invalidAddress(want));
      if (used.has(n) || n === gw) throw new Forbidden(`Address already in use`);
      ip = n;
    } else {
      // dockerd 20.10 (libnetwork's non-serial bitmask) hands out the lowest free address of the range, so an
      // address freed by rm, stop or disconnect is the next one given.
      // An --ip-range is walked from its own first address (10.0.0.128/25 gives .128 first); only the subnet's
      // network and broadcast addresses and the gateway are reserved.
      const range = net.IPRange ? parseCidr(net.IPRange) : subnet;
      const last = range.base + size(range) - 1;
      const bcast = subnet.base + size(subnet) - 1;
      for (let cand = range.base; cand <= last; cand++) {
        if (cand !== gw && !used.has(cand) && cand !== subnet.base && cand !== bcast) { ip = cand; break; }
      }
      if (ip === undefined) throw new Forbidden(`no available IPv4 addresses on this network's address pools: ${net.Name} (${net.Id})`);
    }
    const epId = newId();
    const ep: EndpointRecord = {
      EndpointID: epId, NetworkID: net.Id, IP: formatIp(ip), Prefix: subnet.prefix, Gateway: net.Internal && !net.Gateway ? '' : net.Gateway!,
      Mac: macFor(ip), HostVeth: `veth${epId.slice(0, 7)}`, IfName: `eth${index}`,
      Aliases: config.Aliases, IPAMConfig: config.IPAMConfig, Links: config.Links,
    };
    if (net.EnableIPv6 && net.Subnet6) {
      const c6 = parseCidr6(net.Subnet6);
      ep.IP6 = formatIp6(this.allocate6(net, c6, config.IPAMConfig?.IPv6Address));
      ep.Prefix6 = c6.prefix;
      ep.Gateway6 = net.Gateway6;
    }
    return ep;
  }

  /** The endpoint's IPv6 address: the one asked for, else the lowest free one of the range. */
  private allocate6(net: NetworkRecord, subnet: Cidr6, want: string | undefined): bigint {
    const used = new Set<bigint>();
    for (const sb of Object.values(this.state.sandboxes)) {
      const ep = sb.Endpoints[net.Id];
      if (ep?.IP6) used.add(parseIp6(ep.IP6));
    }
    const gw = parseIp6(net.Gateway6!);
    if (want) {
      const n = parseIp6(want);
      if (!contains6(subnet, n)) throw new InvalidParameter(invalidAddress(want));
      if (used.has(n) || n === gw) throw new Forbidden('Address already in use');
      return n;
    }
    const range = net.IPRange6 ? parseCidr6(net.IPRange6) : subnet;
    const last = lastOf6(range);
    // The lowest free address, as for IPv4 (the subnet's first address is reserved, there is no broadcast).
    let cand = range.base;
    for (let tries = 0; tries < 65536 && cand <= last; tries++, cand++) {
      if (cand !== gw && cand !== subnet.base && !used.has(cand)) return cand;
    }
    throw new Forbidden(`no available IPv6 addresses on this network's address pools: ${net.Name} (${net.Id})`);
  }

  /**
   * Published ports: given bindings plus, with -P, every exposed port on a host port from the ephemeral
   * range. Each is held by a listening socket from here on (port-proxy.ts); a binding without a host
   * address also gets an IPv6 `::` twin on the same port where the host has IPv6, as in dockerd 20.10.
   */
  private async allocatePorts(req: SandboxRequest, sb: SandboxRecord): Promise<PortBinding[]> {
    if (!Object.keys(sb.Endpoints).length) return [];
    const wanted: Array<{ proto: 'tcp' | 'udp'; port: number; hostIps: string[]; hostPort: string }> = [];
    const bindings = { ...(req.portBindings ?? {}) };
    if (req.publishAll) for (const k of Object.keys(req.exposed ?? {})) if (!bindings[k]?.length) bindings[k] = [{ HostIp: '', HostPort: '' }];
    const v6 = ipv6Listenable();
    for (const [key, list] of Object.entries(bindings)) {
      const [p, proto = 'tcp'] = key.split('/');
      if (proto !== 'tcp' && proto !== 'udp') continue;
      if (!/^\d+$/.test(p ?? '') || Number(p) < 1 || Number(p) > 65535) throw new InvalidParameter(`invalid port specification: "${key}"`);
      for (const b of list ?? []) {
        const hostIps = b.HostIp ? [b.HostIp.replace(/^\[(.*)\]$/, '$1')] : v6 ? ['0.0.0.0', '::'] : ['0.0.0.0'];
        wanted.push({ proto, port: Number(p), hostIps, hostPort: b.HostPort ?? '' });
      }
    }
    const taken = new Set<string>();
    for (const other of Object.values(this.state.sandboxes)) for (const b of other.Ports) taken.add(`${b.proto}/${b.hostPort}`);
    const out: PortBinding[] = [];
    const ep = Object.values(sb.Endpoints)[0]!;
    const held: ProxyBinding[] = [];
    // Holds the port on every address of the binding, or none of them: the first address that fails, or ''.
    const hold = async (proto: 'tcp' | 'udp', hostIps: string[], hostPort: number): Promise<string | undefined> => {
      if (taken.has(`${proto}/${hostPort}`)) return '';
      const got: ProxyBinding[] = [];
      for (const hostIp of hostIps) {
        const b = { proto, hostIp, hostPort };
        if (!(await this.proxies.reserve(b))) { for (const g of got) this.proxies.release(g); return hostIp; }
        got.push(b);
      }
      held.push(...got);
      return undefined;
    };
    try {
      for (const w of wanted) {
        let hostPort = 0;
        if (!w.hostPort) {
          // dockerd's port allocator: the next port of the kernel's ephemeral range after the last it gave.
          const [lo, hi] = ephemeralRange();
          const key = `${w.proto}/${w.hostIps.join(',')}`;
          let cand = this.lastPort.get(key) ?? hi;
          for (let i = 0; i <= hi - lo && !hostPort; i++) {
            cand = cand >= hi ? lo : cand + 1;
            if ((await hold(w.proto, w.hostIps, cand)) === undefined) hostPort = cand;
          }
          if (!hostPort) throw new SystemError(`driver failed programming external connectivity on endpoint ${req.name} (${ep.EndpointID}): Bind for ${w.hostIps[0]}:0 failed: all ports are allocated`);
          this.lastPort.set(key, hostPort);
        } else {
          const [lo, hi] = w.hostPort.split('-').map(Number) as [number, number | undefined];
          // dockerd's allocator takes the first port of the range no container of its own has, and an
          // explicitly chosen port is not retried: a bind that fails there is the error.
          let failed: string | undefined = '';
          let tried = lo;
          for (let p = lo; p <= (hi ?? lo) && !hostPort && failed === ''; p++) {
            tried = p;
            const bad = await hold(w.proto, w.hostIps, p);
            if (bad === undefined) hostPort = p;
            else failed = bad;
          }
          if (!hostPort) {
            const ip = failed || w.hostIps[0]!;
            const why = failed === '' ? `Bind for ${w.hostIps[0]}:${lo} failed: port is already allocated`
              : `Error starting userland proxy: listen ${w.proto}${isIp6(ip) ? '6' : '4'} ${isIp6(ip) ? `[${ip}]` : ip}:${tried}: bind: address already in use`;
            throw new SystemError(`driver failed programming external connectivity on endpoint ${req.name} (${ep.EndpointID}): ${why}`);
          }
        }
        taken.add(`${w.proto}/${hostPort}`);
        for (const hostIp of w.hostIps) out.push({ proto: w.proto, port: w.port, hostIp, hostPort });
      }
    } catch (err) {
      for (const b of held) this.proxies.release(b);
      throw err;
    }
    return out;
  }

  // ---- user-defined networks ----------------------------------------------------------------------------

  /** POST /networks/create: a new bridge with its own subnet, isolated from every other bridge of ours. */
  async create(req: CreateRequest): Promise<NetworkRecord> {
    if (!req.name) throw new SystemError('invalid name: ');
    const driver = req.driver || 'bridge';
    if (driver === 'host' || driver === 'null') throw new Forbidden(`only one instance of "${driver}" network is allowed`);
    if (driver === 'overlay') throw new SystemError('This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.');
    if (driver !== 'bridge') throw new NotFound(`plugin "${driver}" not found`);
    const net = await this.locked(async () => {
      if (req.name === 'bridge' && this.defaultBridge) throw new Forbidden('operation is not permitted on predefined bridge network ');
      if (req.checkDuplicate !== false && this.state.networks.some((n) => n.Name === req.name)) throw new Conflict(`network with name ${req.name} already exists`);
      const n = this.record(req.name, 'bridge');
      Object.assign(n, { Internal: req.internal, Attachable: req.attachable, Labels: req.labels, Options: req.options, IPAMOptions: req.ipamOptions });
      n.Bridge = req.options['com.docker.network.bridge.name'] || `br-${n.Id.slice(0, 12)}`;
      if (this.state.networks.some((o) => o.Bridge === n.Bridge)) throw new Forbidden(`bridge name ${n.Bridge} is already in use by another network`);
      const v4 = req.ipamConfig.filter((c) => c.Subnet && !c.Subnet.includes(':'));
      const v6 = req.ipamConfig.filter((c) => c.Subnet?.includes(':'));
      if (v4.length > 1 || v6.length > 1) throw new Forbidden("bridge driver doesn't support multiple subnets");
      if (v6[0] && req.enableIPv6) this.userSubnet6(n, v6[0]);
      // wharf has no default IPv6 pools (dockerd 20.10 has none configured either, and says so).
      else if (req.enableIPv6) throw new NotFound('could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network');
      n.EnableIPv6 = req.enableIPv6 === true;
      const given = v4[0];
      if (given) {
        this.userSubnet(n, given);
        n.IPAMConfig = req.ipamConfig;
        this.state.networks.push(n);
        await this.save();
        await ensureBridge(n.Bridge, `${n.Gateway}/${parseCidr(n.Subnet!).prefix}`, gateway6Of(n));
      } else {
        // Pick and create under the cross-daemon lock: the new bridge's route is what tells the next one.
        await withPickLock(async () => {
          const c = this.pickSubnet();
          n.Subnet = formatCidr(c);
          n.Gateway = formatIp(c.base + 1);
          // dockerd lists the pool it picked first, then the IPv6 pool as given.
          n.IPAMConfig = [{ Subnet: n.Subnet, Gateway: n.Gateway }, ...v6];
          this.state.networks.push(n);
          await this.save();
          await ensureBridge(n.Bridge!, `${n.Gateway}/${c.prefix}`, gateway6Of(n));
        });
      }
      await this.applyRules();
      return n;
    });
    await this.dns.sync();
    this.emit('create', net);
    return net;
  }

  private userSubnet(n: NetworkRecord, given: Record<string, string>): void {
    let c: Cidr;
    try { c = parseCidr(given.Subnet!); } catch (err) {
      throw new SystemError(`Invalid subnet ${given.Subnet} : ${(err as Error).message}`);
    }
    if (this.state.networks.some((o) => o.Subnet && overlaps(parseCidr(o.Subnet), c))) throw new Forbidden('Pool overlaps with other one on this address space');
    // No --gateway: libnetwork asks the pool for one, so with an --ip-range it is the range's first free
    // address (10.0.0.64/26 gives .64), else the subnet's first.
    // An --ip-range outside the subnet (only the API lets one through) is ignored, as dockerd does.
    const inside = given.IPRange ? parseCidr(given.IPRange) : undefined;
    const range = inside && inside.prefix >= c.prefix && contains(c, inside.base) ? inside : c;
    const gw = given.Gateway ? parseIp(given.Gateway) : range.base === c.base ? c.base + 1 : range.base;
    if (!contains(c, gw)) throw new SystemError(`failed to allocate gateway (${given.Gateway}): Requested address is out of range`);
    n.Subnet = formatCidr(c);
    n.Gateway = formatIp(gw);
    if (range !== c) n.IPRange = formatCidr(range);
    n.UserSubnet = true;
  }

  private userSubnet6(n: NetworkRecord, given: Record<string, string>): void {
    const c = parseCidr6(given.Subnet!);
    if (this.state.networks.some((o) => o.Subnet6 && overlaps6(parseCidr6(o.Subnet6), c))) throw new Forbidden('Pool overlaps with other one on this address space');
    const inside = given.IPRange ? parseCidr6(given.IPRange) : undefined;
    const range = inside && inside.prefix >= c.prefix && contains6(c, inside.base) ? inside : c;
    const gw = given.Gateway ? parseIp6(given.Gateway) : range.base === c.base ? c.base + 1n : range.base;
    if (!contains6(c, gw)) throw new SystemError(`failed to allocate gateway (${given.Gateway}): Requested address is out of range`);
    n.Subnet6 = formatCidr6(c);
    n.Gateway6 = formatIp6(gw);
    if (range !== c) n.IPRange6 = formatCidr6(range);
  }

  /** DELETE /networks/{id}: dockerd's 403s for the predefined networks and for networks in use. */
  async remove(ref: string): Promise<void> {
    const net = await this.locked(async () => {
      const n = this.get(ref);
      if (isPredefined(n)) throw new Forbidden(`${n.Name} is a pre-defined network and cannot be removed`);
      if (this.hasEndpoints(n)) throw new Forbidden(`error while removing network: network ${n.Name} id ${n.Id} has active endpoints`);
      await this.removeLocked(n);
      return n;
    });
    await this.dns.sync();
    this.emit('destroy', net);
  }

  private async removeLocked(n: NetworkRecord): Promise<void> {
    this.state.networks = this.state.networks.filter((x) => x !== n);
    await this.save();
    if (n.Bridge) await deleteLink(n.Bridge);
    await this.applyRules();
  }

  /** POST /networks/prune: every user-defined network without endpoints that the filters let through. */
  async prune(filters: Filters): Promise<string[]> {
    const match = pruneFilter(filters);
    const gone = await this.locked(async () => {
      const victims = this.state.networks.filter((n) => !isPredefined(n) && !this.hasEndpoints(n) && match(n));
      for (const n of victims) await this.removeLocked(n);
      return victims;
    });
    if (gone.length) await this.dns.sync();
    for (const n of gone) this.emit('destroy', n);
    return gone.map((n) => n.Name);
  }

  /**
   * POST /networks/{id}/connect. A stopped container only records the attachment (it joins at start); a
   * running one gets a new veth in its namespace as the next ethN, and the default route moves if the new
   * network comes first in libnetwork's order.
   */
  async connect(c: ContainerRef, ref: string, cfg: Partial<AttachConfig>): Promise<void> {
    const net = this.get(ref);
    // dockerd's updateNetworkSettings order: a host-mode container already has the host network, and
    // shares the host's namespace like a container:X one; anyone else cannot join host.
    const shared = 'container sharing network namespace with another container or host cannot be connected to any other network';
    if (c.running && c.mode.startsWith('container:')) throw new InvalidParameter(shared); // connectToNetwork's first check
    if (c.mode === 'host' && net.Driver === 'host') {
      if (!c.running) return; // a stopped one: dockerd's "avoid duplicate config", nothing to do
      throw new Forbidden(`endpoint with name ${c.name} already exists in network host`);
    }
    if (net.Driver === 'host') throw new InvalidParameter('container cannot be disconnected from host network or connected to host network');
    if (c.mode === 'host' || c.mode.startsWith('container:')) throw new InvalidParameter(shared);
    if (c.mode === 'none' || net.Driver === 'null') throw new InvalidParameter('container cannot be connected to multiple networks with one of the networks in private (none) mode');
    checkEndpointConfig(net, cfg.IPAMConfig ?? null, cfg.Aliases);
    const changed = await this.locked(async () => {
      const current = this.attachmentsOf(c.id, c.mode);
      const sb = this.state.sandboxes[c.id];
      if (current.some((x) => x.net === net)) {
        if (sb) throw new Forbidden(`endpoint with name ${c.name} already exists in network ${net.Name}`);
        return false;
      }
      const config: AttachConfig = { Aliases: cfg.Aliases?.length ? [...cfg.Aliases] : null, IPAMConfig: cfg.IPAMConfig ?? null, Links: cfg.Links?.length ? cfg.Links : null, DriverOpts: cfg.DriverOpts ?? null, Name: net.Name };
      this.joined(c.id, net, config, !!sb);
      if (sb) await this.plug(c.id, sb, net, config);
      // The embedded server's rules, if this is the sandbox's first user-defined network.
      if (sb) await this.dns.prepareSandbox(sb);
      this.state.attachments[c.id]![net.Id] = config;
      await this.save();
      return true;
    });
    if (changed) this.emit('connect', net, c.id);
  }

  private async plug(containerId: string, sb: SandboxRecord, net: NetworkRecord, config: AttachConfig): Promise<void> {
    const next = sb.NextIf ?? Math.max(-1, ...Object.values(sb.Endpoints).map((e) => Number(e.IfName.replace(/^eth/, '')))) + 1;
    const ep = this.allocate(net, config, next);
    sb.NextIf = next + 1;
    sb.Endpoints[net.Id] = ep;
    try {
      await addVeth(sb.Netns, { hostName: ep.HostVeth, ifName: ep.IfName, bridge: net.Bridge!, mac: ep.Mac, cidr: `${ep.IP}/${ep.Prefix}`, hairpin: sb.Ports.length > 0, ...v6Of(ep) }, false);
      await this.routeDefault(sb);
      await this.followExternal(sb, containerId);
    } catch (err) {
      delete sb.Endpoints[net.Id];
      sb.External = this.hasExternal(sb);
      await deleteLink(ep.HostVeth);
      await this.routeDefault(sb).catch(() => undefined);
      throw err;
    }
    await this.save();
    await this.applyRules();
  }

  /** Points the namespace's default route at the gateway endpoint (after a connect or disconnect). */
  private async routeDefault(sb: SandboxRecord): Promise<void> {
    const gw = this.gatewayEndpoint(sb);
    if (gw?.Gateway) await setDefaultRoute(sb.Netns, gw.Gateway, gw.IfName);
  }

  /** POST /networks/{id}/disconnect: the veth goes (and with it the address), the attachment too. */
  async disconnect(c: ContainerRef, ref: string): Promise<void> {
    const net = this.get(ref);
    if (c.mode === 'host' && net.Driver === 'host') throw new InvalidParameter('container cannot be disconnected from host network or connected to host network');
    await this.locked(async () => {
      const sb = this.state.sandboxes[c.id];
      const attached = this.attachmentsOf(c.id, c.mode).some((x) => x.net === net);
      const ep = sb?.Endpoints[net.Id];
      if (!attached && !ep) throw new SystemError(sb ? `container ${c.id} is not connected to network ${net.Name}` : `container ${c.id} is not connected to the network ${net.Name}`);
      delete this.state.attachments[c.id]![net.Id];
      if (sb && ep) {
        delete sb.Endpoints[net.Id];
        await this.followExternal(sb, c.id);
        await this.save();
        await deleteLink(ep.HostVeth);
        await this.routeDefault(sb);
        await this.dns.prepareSandbox(sb);
        await this.applyRules();
      } else {
        await this.save();
      }
    });
    this.emit('disconnect', net, c.id);
  }

  /** A running container's address on the default bridge (what legacy links point at). */
  bridgeIp(containerId: string): string | undefined {
    const bridge = this.state.networks.find((n) => n.Name === 'bridge');
    return bridge && this.state.sandboxes[containerId]?.Endpoints[bridge.Id]?.IP;
  }

  /** The address `--add-host NAME:host-gateway` stands for: the default bridge's gateway, as in dockerd. */
  hostGatewayIp(): string | undefined { return this.state.networks.find((n) => n.Name === 'bridge')?.Gateway; }

  /** Stops the embedded DNS server's listeners (daemon shutdown; containers keep their rules). */
  close(): Promise<void> { return this.dns.close(); }

  /** Re-applies the chains (after a restart, the state is the truth). */
  async restore(): Promise<void> { await this.locked(() => this.applyRules()); }
}

/** Several daemons may pick subnets at once: a lock directory under /run makes pick-and-create atomic. */
async function withPickLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = '/run/wharf-subnet.lock';
  for (let i = 0; ; i++) {
    try { await mkdir(lock); break; } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > 10_000 || i > 200) { await rmdir(lock).catch(() => undefined); continue; }
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  try { return await fn(); } finally { await rmdir(lock).catch(() => undefined); }
}

/** dockerd's checks of an endpoint's settings against the network (create and connect). */
function checkEndpointConfig(net: NetworkRecord, ipam: Record<string, string> | null, aliases: string[] | null | undefined): void {
  const ip = ipam?.IPv4Address || ipam?.IPv6Address;
  if (isPredefined(net)) {
    if (ip) throw new InvalidParameter('user specified IP address is supported on user defined networks only');
    if (aliases?.length) throw new InvalidParameter('network-scoped alias is supported only for containers in user defined networks');
  } else if ((ipam?.IPv4Address && !net.UserSubnet) || (ipam?.IPv6Address && !net.IPAMConfig.some((c) => c.Subnet?.includes(':')))) {
    // Per family, as dockerd: a fixed address needs a pool of its family configured by the user.
    throw new InvalidParameter('user specified IP address is supported only when connecting to networks with user configured subnets');
  }
}

/** A veth's IPv6 settings from its endpoint (none off IPv6 networks). */
function v6Of(ep: EndpointRecord): { cidr6?: string; gateway6?: string } {
  return ep.IP6 ? { cidr6: `${ep.IP6}/${ep.Prefix6}`, gateway6: ep.Gateway6 } : {};
}

/** The IPv6 gateway address (with its prefix) a bridge carries on an IPv6 network. */
function gateway6Of(n: NetworkRecord): string | undefined {
  return n.EnableIPv6 && n.Subnet6 && n.Gateway6 ? `${n.Gateway6}/${parseCidr6(n.Subnet6).prefix}` : undefined;
}

function isIp6Addr(s: string): boolean {
  try { parseIp6(s); return true; } catch { return false; }
}

function invalidAddress(ip: string): string {
  return `Invalid address ${ip}: It does not belong to any of this network's subnets`;
}

// The network controller: networks (the default bridge, host, none, and user-defined bridges), IP address
// management, and each container's sandbox (a named network namespace with one veth per network). All of
// it is kept in one JSON state file under the data root so addresses survive daemon restarts; kernel state
// (bridges, veths, namespaces, iptables chains) is derived from it and re-applied at start.
import { randomBytes } from 'node:crypto';
import { mkdir, rmdir, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { Conflict, InvalidParameter, NotFound, Forbidden, SystemError } from '../errors.js';
import { readJsonOr, writeJsonAtomic } from '../store/index.js';
import { run } from '../sys/index.js';
import { contains, defaultPools, formatCidr, formatIp, hostRoutes, macFor, overlaps, parseCidr, parseIp, size, type Cidr } from './addr.js';
import { applyRules, ensureJumps, renderRules, type BridgeRule, type PortRule } from './iptables.js';
import { addVeth, createNetns, deleteLink, deleteNetns, ensureBridge, linkExists, writeSysctl } from './netlink.js';

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
  /** Last address handed out: allocation goes round from there like Docker's, so a freed address rests. */
  Last?: number;
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
}

export interface PortBinding { proto: 'tcp' | 'udp'; port: number; hostIp: string; hostPort: number }

export interface SandboxRecord {
  SandboxID: string;
  Netns: string;
  Key: string;
  Endpoints: Record<string, EndpointRecord>;
  Ports: PortBinding[];
}

/** A network a container is configured to join (kept while it is stopped, like Docker's NetworkSettings). */
export interface AttachConfig { Aliases: string[] | null; IPAMConfig: Record<string, string> | null; Links: string[] | null }

interface State {
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
}

/** What a container start asks for. */
export interface SandboxRequest {
  containerId: string;
  name: string;
  mode: string;
  portBindings: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | null | undefined;
  publishAll: boolean;
  exposed: Record<string, unknown> | null | undefined;
}

export interface SandboxInfo { key: string; ip?: string; endpoints: EndpointRecord[] }

const nowCreated = () => new Date().toISOString().replace('Z', '000000Z');
const newId = () => randomBytes(32).toString('hex');

export class NetworkManager {
  private state!: State;
  private readonly statePath: string;
  private chain: Promise<unknown> = Promise.resolve();
  readonly tag: string;
  readonly defaultBridge: string | undefined;

  private constructor(private readonly opts: NetworkOptions) {
    this.statePath = join(opts.dataRoot, 'network', 'state.json');
    this.defaultBridge = opts.bridge === 'none' ? undefined : (opts.bridge || 'wharf0');
    this.tag = opts.bridge && opts.bridge !== 'none' ? opts.bridge : 'wharf0';
  }

  static async open(opts: NetworkOptions): Promise<NetworkManager> {
    const m = new NetworkManager(opts);
    await mkdir(join(opts.dataRoot, 'network'), { recursive: true });
    m.state = await readJsonOr<State>(m.statePath, { networks: [], sandboxes: {}, attachments: {} });
    m.state.attachments ??= {};
    await m.init();
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
          const c = this.pickSubnet(linkExists(this.defaultBridge!) ? this.defaultBridge : undefined);
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
      if (n.Driver === 'bridge' && n.Bridge) await ensureBridge(n.Bridge, `${n.Gateway}/${parseCidr(n.Subnet!).prefix}`);
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
  private pickSubnet(ownBridge?: string): Cidr {
    const routes = hostRoutes();
    const ours = this.state.networks.filter((n) => n.Subnet).map((n) => parseCidr(n.Subnet!));
    void ownBridge;
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
    for (const sb of Object.values(this.state.sandboxes)) {
      const ep = Object.values(sb.Endpoints)[0];
      const net = ep && this.state.networks.find((n) => n.Id === ep.NetworkID);
      if (!ep || !net?.Bridge) continue;
      for (const p of sb.Ports) ports.push({ proto: p.proto, hostIp: p.hostIp, hostPort: p.hostPort, ip: ep.IP, port: p.port, bridge: net.Bridge });
    }
    await applyRules(renderRules(this.tag, bridges, ports));
  }

  // ---- lookups ------------------------------------------------------------------------------------------

  list(): NetworkRecord[] { return this.state.networks; }

  /** By full name, full ID, then unique ID prefix (Docker's order). */
  find(ref: string): NetworkRecord | undefined {
    const s = this.state.networks;
    const byName = s.find((n) => n.Name === ref);
    if (byName) return byName;
    const byId = s.find((n) => n.Id === ref);
    if (byId) return byId;
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
  async configure(containerId: string, mode: string, endpoints: Record<string, { Aliases?: string[] | null; IPAMConfig?: Record<string, string> | null; Links?: string[] | null } | null> | undefined): Promise<void> {
    if (mode.startsWith('container:')) return;
    const m = mode === 'default' ? 'bridge' : mode;
    const net = this.find(m);
    if (!net) throw new NotFound(`network ${m} not found`);
    const att: Record<string, AttachConfig> = {};
    const given = endpoints?.[m] ?? endpoints?.[net.Id] ?? Object.values(endpoints ?? {})[0] ?? null;
    att[net.Id] = { Aliases: given?.Aliases?.length ? given.Aliases : null, IPAMConfig: given?.IPAMConfig && Object.keys(given.IPAMConfig).length ? given.IPAMConfig : null, Links: given?.Links?.length ? given.Links : null };
    await this.locked(async () => { this.state.attachments[containerId] = att; await this.save(); });
  }

  // ---- container sandboxes -------------------------------------------------------------------------------

  /** Sets up the container's namespace before its process starts; returns the namespace path. */
  async setup(req: SandboxRequest): Promise<SandboxInfo> {
    const nets = this.containerNetworks(req.containerId, req.mode).filter(({ net }) => net.Driver === 'bridge');
    const sbId = newId();
    const sb: SandboxRecord = { SandboxID: sbId, Netns: `wharf-${sbId.slice(0, 12)}`, Key: '', Endpoints: {}, Ports: [] };
    sb.Key = `/run/netns/${sb.Netns}`;
    await this.locked(async () => {
      if (this.state.sandboxes[req.containerId]) await this.teardownLocked(req.containerId);
      for (const { net, config } of nets) sb.Endpoints[net.Id] = this.allocate(net, config, Object.keys(sb.Endpoints).length);
      sb.Ports = await this.allocatePorts(req, sb);
      this.state.sandboxes[req.containerId] = sb;
      await this.save();
    });
    try {
      await createNetns(sb.Netns);
      let first = true;
      for (const ep of Object.values(sb.Endpoints)) {
        const net = this.state.networks.find((n) => n.Id === ep.NetworkID)!;
        await addVeth(sb.Netns, { hostName: ep.HostVeth, ifName: ep.IfName, bridge: net.Bridge!, mac: ep.Mac, cidr: `${ep.IP}/${ep.Prefix}`, gateway: first && !net.Internal ? ep.Gateway : undefined, hairpin: sb.Ports.length > 0 }, first);
        first = false;
      }
      if (nets.length === 0) await addLoopbackOnly(sb.Netns);
      if (sb.Ports.length) await this.locked(() => this.applyRules());
    } catch (err) {
      await this.teardown(req.containerId).catch(() => undefined);
      throw err;
    }
    const firstEp = Object.values(sb.Endpoints)[0];
    return { key: sb.Key, ip: firstEp?.IP, endpoints: Object.values(sb.Endpoints) };
  }

  /** Releases a stopped container's addresses, ports, veths and namespace. */
  teardown(containerId: string): Promise<void> {
    return this.locked(() => this.teardownLocked(containerId));
  }

  private async teardownLocked(containerId: string): Promise<void> {
    const sb = this.state.sandboxes[containerId];
    if (!sb) return;
    delete this.state.sandboxes[containerId];
    await this.save();
    for (const ep of Object.values(sb.Endpoints)) await deleteLink(ep.HostVeth);
    await deleteNetns(sb.Netns);
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
      if (!contains(subnet, n)) throw new InvalidParameter(`no configured subnet or ip-range contain the IP address ${want}`);
      if (used.has(n) || n === gw) throw new Forbidden(`Address already in use`);
      ip = n;
    } else {
      const range = net.IPRange ? parseCidr(net.IPRange) : subnet;
      const first = range.base + 1;
      const last = range.base + size(range) - 2;
      const total = last - first + 1;
      const start = net.Last && net.Last >= first && net.Last <= last ? net.Last + 1 : first;
      for (let i = 0; i < total; i++) {
        const cand = first + ((start - first + i) % total);
        if (cand !== gw && !used.has(cand) && cand !== subnet.base + size(subnet) - 1) { ip = cand; break; }
      }
      if (ip === undefined) throw new Forbidden(`no available IPv4 addresses on this network's address pools: ${net.Name} (${net.Id})`);
      net.Last = ip;
    }
    const epId = newId();
    return {
      EndpointID: epId, NetworkID: net.Id, IP: formatIp(ip), Prefix: subnet.prefix, Gateway: net.Internal && !net.Gateway ? '' : net.Gateway!,
      Mac: macFor(ip), HostVeth: `veth${epId.slice(0, 7)}`, IfName: `eth${index}`,
      Aliases: config.Aliases, IPAMConfig: config.IPAMConfig, Links: config.Links,
    };
  }

  /** Published ports: given bindings plus, with -P, every exposed port on a random host port. */
  private async allocatePorts(req: SandboxRequest, sb: SandboxRecord): Promise<PortBinding[]> {
    if (!Object.keys(sb.Endpoints).length) return [];
    const wanted: Array<{ proto: 'tcp' | 'udp'; port: number; hostIp: string; hostPort: string }> = [];
    const bindings = { ...(req.portBindings ?? {}) };
    if (req.publishAll) for (const k of Object.keys(req.exposed ?? {})) if (!bindings[k]?.length) bindings[k] = [{ HostIp: '', HostPort: '' }];
    for (const [key, list] of Object.entries(bindings)) {
      const [p, proto = 'tcp'] = key.split('/');
      if (proto !== 'tcp' && proto !== 'udp') continue;
      if (!/^\d+$/.test(p ?? '') || Number(p) < 1 || Number(p) > 65535) throw new InvalidParameter(`invalid port specification: "${key}"`);
      for (const b of list ?? []) wanted.push({ proto, port: Number(p), hostIp: b.HostIp || '0.0.0.0', hostPort: b.HostPort ?? '' });
    }
    const taken = new Set<string>();
    for (const other of Object.values(this.state.sandboxes)) for (const b of other.Ports) taken.add(`${b.proto}/${b.hostPort}`);
    const out: PortBinding[] = [];
    const ep = Object.values(sb.Endpoints)[0]!;
    for (const w of wanted) {
      let hostPort: number;
      if (!w.hostPort) {
        hostPort = await freePort(w.proto, w.hostIp, taken);
      } else {
        const [lo, hi] = w.hostPort.split('-').map(Number) as [number, number | undefined];
        hostPort = 0;
        for (let p = lo; p <= (hi ?? lo); p++) {
          if (taken.has(`${w.proto}/${p}`)) continue;
          if (await canBind(w.proto, w.hostIp, p)) { hostPort = p; break; }
        }
        if (!hostPort) {
          const p = lo;
          const why = taken.has(`${w.proto}/${p}`) ? `Bind for ${w.hostIp}:${p} failed: port is already allocated` : `Error starting userland proxy: listen ${w.proto}4 ${w.hostIp}:${p}: bind: address already in use`;
          throw new SystemError(`driver failed programming external connectivity on endpoint ${req.name} (${ep.EndpointID}): ${why}`);
        }
      }
      taken.add(`${w.proto}/${hostPort}`);
      out.push({ proto: w.proto, port: w.port, hostIp: w.hostIp, hostPort });
    }
    return out;
  }

  /** Re-applies the chains (after a restart, the state is the truth). */
  async restore(): Promise<void> { await this.locked(() => this.applyRules()); }
}


async function addLoopbackOnly(netns: string): Promise<void> {
  await run(['ip', '-n', netns, 'link', 'set', 'lo', 'up']);
}

function canBind(proto: 'tcp' | 'udp', host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (proto === 'udp') {
      const s = createSocket('udp4');
      s.once('error', () => { s.close(); resolve(false); });
      s.bind(port, host, () => s.close(() => resolve(true)));
      return;
    }
    const srv: Server = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Docker's ephemeral range for random host ports: 49153-65535. */
async function freePort(proto: 'tcp' | 'udp', host: string, taken: Set<string>): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const p = 49153 + Math.floor(Math.random() * (65535 - 49153 + 1));
    if (taken.has(`${proto}/${p}`)) continue;
    if (await canBind(proto, host, p)) return p;
  }
  throw new Conflict('no free host port found');
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


// The network controller's side of name resolution: which networks get the embedded server, each asker's
// scope derived from the controller's state, the listeners kept in step with the networks, and the rules
// a container's namespace needs. The controller owns one EmbeddedDns and calls it at start, when networks
// come and go, and when a sandbox is set up.
import { readFile } from 'node:fs/promises';
import { warn } from '../../sys/index.js';
import type { NetworkRecord, SandboxRecord } from '../types.js';
import { hostResolvConfPath, upstreamServers, dnsOptions, containerResolvConf, isLoopback } from './resolv-conf.js';
import { applySandboxRules } from './sandbox-rules.js';
import { DnsServer, type DnsServerOptions } from './server.js';
import type { NameEntry, NetworkNames, Scope } from './types.js';

interface StateView { networks: NetworkRecord[]; sandboxes: Record<string, SandboxRecord> }

/** The default bridge never gets the embedded server (dockerd disables resolution there); user-defined bridges do. */
export function hasEmbeddedDns(n: NetworkRecord): boolean {
  return n.Driver === 'bridge' && n.Name !== 'bridge' && !!n.Gateway && !!n.Bridge;
}

/** What the embedded server needs to remember of a container's DNS settings (kept in its sandbox record). */
export interface SandboxDns { upstreams: string[]; ndotsSet: boolean }

export interface DnsRequest { dns?: string[] | null; dnsSearch?: string[] | null; dnsOptions?: string[] | null }

export class EmbeddedDns {
  readonly server: DnsServer;
  private readonly resolvPath: string;

  constructor(private readonly state: () => StateView, opts: DnsServerOptions & { resolvConf?: string } = {}) {
    this.server = new DnsServer(this, opts);
    this.resolvPath = hostResolvConfPath(opts.resolvConf);
  }

  /** The host's resolv.conf as dockerd reads it (systemd-resolved's real file behind its stub). */
  hostResolvConf(): Promise<string> {
    return readFile(this.resolvPath, 'utf8').catch(() => '');
  }

  /** Upstreams and the ndots setting for a container about to start. */
  async sandboxDns(req: DnsRequest): Promise<SandboxDns> {
    const host = await this.hostResolvConf();
    const file = containerResolvConf(host, { hostNetwork: false, embedded: false, ...req });
    return { upstreams: upstreamServers(host, req), ndotsSet: dnsOptions(file).some((o) => o.includes('ndots')) };
  }

  scope(askerIp: string): Scope | undefined {
    const { networks, sandboxes } = this.state();
    const dnsNets = new Map(networks.filter(hasEmbeddedDns).map((n) => [n.Id, n]));
    const asker = Object.values(sandboxes).find((sb) => Object.values(sb.Endpoints).some((ep) => ep.IP === askerIp && dnsNets.has(ep.NetworkID)));
    if (!asker) return undefined;
    const out: NetworkNames[] = [];
    for (const ep of Object.values(asker.Endpoints)) {
      const net = dnsNets.get(ep.NetworkID);
      if (!net) continue;
      const entries: NameEntry[] = [];
      for (const [cid, sb] of Object.entries(sandboxes)) {
        const e = sb.Endpoints[net.Id];
        if (!e || !sb.Name) continue;
        entries.push({ ip: e.IP, name: sb.Name, aliases: [...(e.Aliases ?? []), cid.slice(0, 12)] });
      }
      const links: Record<string, string> = {};
      for (const l of ep.Links ?? []) {
        const [target, alias] = l.split(':');
        if (target) links[alias || target.replace(/^\//, '')] = target.replace(/^\//, '');
      }
      out.push({ network: net.Name, entries, links });
    }
    // dockerd dials upstreams from the container's namespace, so a container whose only networks are
    // --internal reaches none but the host's loopback resolvers (dialled from the host's namespace).
    const wayOut = Object.values(asker.Endpoints).some((ep) => networks.find((n) => n.Id === ep.NetworkID)?.Internal === false);
    const upstreams = (asker.Dns?.upstreams ?? []).filter((u) => wayOut || isLoopback(u));
    return { networks: out, upstreams, ndotsSet: asker.Dns?.ndotsSet ?? false };
  }

  /** Listens on every DNS-enabled network's gateway and on nothing else. A failure is logged, not fatal. */
  async sync(): Promise<void> {
    const want = new Set(this.state().networks.filter(hasEmbeddedDns).map((n) => `${n.Gateway}:53`));
    for (const key of this.server.addresses()) if (!want.has(key)) await this.server.close(key.slice(0, key.lastIndexOf(':')));
    for (const key of want) {
      await this.server.listen(key.slice(0, key.lastIndexOf(':'))).catch((err: Error) => warn('dns', `cannot listen on ${key}: ${err.message}`));
    }
  }

  /** Rules in a new sandbox so its 127.0.0.11 reaches the first DNS-enabled network's gateway. */
  async prepareSandbox(sb: SandboxRecord, configured: Promise<void> = Promise.resolve()): Promise<boolean> {
    const nets = this.state().networks;
    const ep = Object.values(sb.Endpoints).find((e) => { const n = nets.find((x) => x.Id === e.NetworkID); return n && hasEmbeddedDns(n); });
    if (!ep) return false;
    await configured;
    await this.sync();
    await applySandboxRules(sb.Netns, ep.Gateway, ep.IP);
    return true;
  }

  close(): Promise<void> { return this.server.closeAll(); }
}

// resolv.conf the way dockerd 20.10 reads and writes it (libnetwork's resolvconf package semantics): the
// container's file is the host's with loopback nameservers cut out (they mean nothing in another network
// namespace), rebuilt from --dns/--dns-search/--dns-option when any is given, and, on user-defined networks,
// rebuilt around the embedded server (nameserver 127.0.0.11, options ndots:0).
import { readFileSync } from 'node:fs';

/** The address containers on user-defined networks query (Docker's resolverIPSandbox). */
export const EMBEDDED_DNS_IP = '127.0.0.11';

const IPV4 = String.raw`((25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)`;
const IPV6 = String.raw`([0-9A-Fa-f]{0,4}:){2,7}([0-9A-Fa-f]{0,4})(%\w+)?`;
const LOCALHOST = String.raw`((127\.([0-9]{1,3}\.){2}[0-9]{1,3})|(::1)$)`;
const NS_ANY = new RegExp(String.raw`^\s*nameserver\s*((${IPV4})|(${IPV6}))\s*$`);
const NS_V4 = new RegExp(String.raw`^\s*nameserver\s*(${IPV4})\s*$`);
const NS_V6 = new RegExp(String.raw`^\s*nameserver\s*(${IPV6})\s*$`);
// Go's \s matches newlines too, so a removed nameserver line takes the blank lines after it along.
const LOCALHOST_NS_LINE = new RegExp(String.raw`^nameserver\s+${LOCALHOST}\s*\n*`, 'gm');
const V6_NS_LINE = new RegExp(String.raw`^nameserver\s+${IPV6}\s*\n*`, 'gm');
const SEARCH = /^\s*search\s*((\S+\s*)*)$/;
const OPTIONS = /^\s*options\s*((\S+\s*)*)$/;

/** Lines with any `#` comment cut off. */
function lines(content: string): string[] {
  return content.split('\n').map((l) => { const i = l.indexOf('#'); return i === -1 ? l : l.slice(0, i); });
}

export function nameservers(content: string, kind: 'ip' | 'ipv4' | 'ipv6' = 'ip'): string[] {
  const re = kind === 'ip' ? NS_ANY : kind === 'ipv4' ? NS_V4 : NS_V6;
  return lines(content).flatMap((l) => { const m = re.exec(l); return m ? [m[1]!] : []; });
}

/** The last `search` line wins, as in resolv.conf(5). */
export function searchDomains(content: string): string[] {
  let out: string[] = [];
  for (const l of lines(content)) { const m = SEARCH.exec(l); if (m) out = m[1]!.split(/\s+/).filter(Boolean); }
  return out;
}

export function dnsOptions(content: string): string[] {
  let out: string[] = [];
  for (const l of lines(content)) { const m = OPTIONS.exec(l); if (m) out = m[1]!.split(/\s+/).filter(Boolean); }
  return out;
}

export function isLoopback(ip: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip) || ip === '::1';
}

/** A resolv.conf written from parts (resolvconf.Build). */
export function buildResolvConf(servers: string[], search: string[], options: string[]): string {
  let out = '';
  if (search.length && search.join(' ').trim() !== '.') out += `search ${search.join(' ')}\n`;
  for (const s of servers) out += `nameserver ${s}\n`;
  if (options.length && options.join(' ').trim() !== '') out += `options ${options.join(' ')}\n`;
  return out;
}

/**
 * The host's file minus loopback and IPv6 nameservers, everything else (comments included) kept byte for
 * byte; Google's servers when no nameserver is left. dockerd filters twice (at sandbox creation with IPv6
 * assumed, then without IPv6 when the endpoint joins), which leaves exactly this.
 */
export function filterResolvConf(host: string): string {
  let out = host.replace(LOCALHOST_NS_LINE, '');
  if (!nameservers(out).length) out += '\nnameserver 8.8.8.8\nnameserver 8.8.4.4\nnameserver 2001:4860:4860::8888\nnameserver 2001:4860:4860::8844';
  out = out.replace(V6_NS_LINE, '');
  if (!nameservers(out).length) out += '\nnameserver 8.8.8.8\nnameserver 8.8.4.4';
  return out;
}

export interface ResolvConfRequest {
  /** The container shares the host's network stack. */
  hostNetwork: boolean;
  /** The container is on a user-defined network: the embedded server answers it. */
  embedded: boolean;
  dns?: string[] | null;
  dnsSearch?: string[] | null;
  dnsOptions?: string[] | null;
}

/** The container's /etc/resolv.conf given the host's (dockerd's setupDNS, updateDNS and rebuildDNS). */
export function containerResolvConf(host: string, req: ResolvConfRequest): string {
  const dns = req.dns ?? [];
  const search = req.dnsSearch ?? [];
  const options = req.dnsOptions ?? [];
  const custom = dns.length > 0 || search.length > 0 || options.length > 0;
  if (req.hostNetwork && !custom) return host;
  const base = custom
    ? buildResolvConf(dns.length ? dns : nameservers(host), search.length ? search : searchDomains(host), options.length ? options : dnsOptions(host))
    : filterResolvConf(host);
  if (!req.embedded || req.hostNetwork) return base;
  const opts = dnsOptions(base);
  // A user's own ndots wins over the embedded server's ndots:0.
  const ndotsSet = opts.some((o) => o.includes('ndots'));
  return buildResolvConf([EMBEDDED_DNS_IP, ...nameservers(base, 'ipv6')], searchDomains(base), ndotsSet ? opts : [...opts, 'ndots:0']);
}

/**
 * The servers the embedded server forwards to for a container (at most 3, like dockerd). Without --dns options:
 * the host's, loopback ones included, since the forwarder runs in the host's namespace where they answer.
 * With them: the IPv4 servers of the file they build; a loopback one there means the container's own
 * loopback, which the host-side forwarder cannot reach, so it is left out.
 */
export function upstreamServers(host: string, req: Omit<ResolvConfRequest, 'hostNetwork' | 'embedded'>): string[] {
  const custom = !!(req.dns?.length || req.dnsSearch?.length || req.dnsOptions?.length);
  let list = custom
    ? nameservers(buildResolvConf(req.dns?.length ? req.dns : nameservers(host), [], []), 'ipv4').filter((s) => !isLoopback(s))
    : nameservers(host, 'ipv4');
  if (!list.length && !custom) list = ['8.8.8.8', '8.8.4.4'];
  return list.slice(0, 3);
}

/** dockerd reads systemd-resolved's real file when the host's only nameserver is its stub. */
export function hostResolvConfPath(base = '/etc/resolv.conf'): string {
  if (base !== '/etc/resolv.conf') return base;
  try {
    const ns = nameservers(readFileSync(base, 'utf8'));
    if (ns.length === 1 && ns[0] === '127.0.0.53') return '/run/systemd/resolve/resolv.conf';
  } catch { /* no file: the default below */ }
  return base;
}

// /etc/hostname, /etc/hosts and /etc/resolv.conf for a container, written in its directory and
// bind-mounted by the runtime, as Docker does (so a container's edits don't reach the image). The bytes
// are dockerd 20.10's: libnetwork's etchosts records ("IP\tnames"), then --add-host entries, legacy
// links, and one line per address the container has; resolv.conf from network/'s rules.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidParameter } from '../errors.js';
import { containerResolvConf } from '../network/index.js';
import { replaceFile } from '../store/index.js';

export interface EtcOptions {
  hostname: string;
  domainname: string;
  /** 'host' copies the host's files (Docker's --network host) unless options say otherwise. */
  networkMode: string;
  /** The container's address on each network it joined (one hosts line each). */
  ips?: string[];
  /** @deprecated single-address form of `ips`. */
  ip?: string;
  /** On a user-defined network: resolv.conf points at the embedded server. */
  embeddedDns?: boolean;
  extraHosts?: string[] | null;
  /** What `host-gateway` in --add-host stands for (the default bridge's gateway). */
  hostGateway?: string;
  /** Legacy links: one hosts line each ("alias hostname name"). */
  links?: Array<{ ip: string; names: string }>;
  dns?: string[] | null;
  dnsSearch?: string[] | null;
  dnsOptions?: string[] | null;
  /** The host's resolv.conf content (read from /etc/resolv.conf when not given). */
  hostResolvConf?: string;
}

const HOSTS_HEADER = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

/** --add-host NAME:IP, split at the first colon (IPv6 addresses keep theirs); host-gateway substituted. */
export function extraHostRecords(extraHosts: string[] | null | undefined, hostGateway?: string): Array<{ ip: string; names: string }> {
  return (extraHosts ?? []).map((entry) => {
    const idx = entry.indexOf(':');
    if (idx <= 0) throw new InvalidParameter(`bad format for add-host: "${entry}"`);
    let ip = entry.slice(idx + 1);
    if (ip === 'host-gateway') {
      if (!hostGateway) throw new InvalidParameter('unable to derive the IP value for host-gateway');
      ip = hostGateway;
    }
    return { ip, names: entry.slice(0, idx) };
  });
}

/** The names on the container's own line: the FQDN and, when it has a dot, its first label. */
function ownNames(hostname: string, domainname: string): string {
  const fqdn = domainname ? `${hostname}.${domainname}` : hostname;
  const dot = fqdn.indexOf('.');
  return dot === -1 ? hostname : `${fqdn} ${fqdn.slice(0, dot)}`;
}

export function hostsFile(opts: EtcOptions): string {
  const lines = [...HOSTS_HEADER];
  for (const r of [...extraHostRecords(opts.extraHosts, opts.hostGateway), ...(opts.links ?? [])]) lines.push(`${r.ip}\t${r.names}`);
  const ips = opts.ips ?? (opts.ip ? [opts.ip] : []);
  for (const ip of ips) lines.push(`${ip}\t${ownNames(opts.hostname, opts.domainname)}`);
  return lines.join('\n') + '\n';
}

export function resolvConf(host: string, opts: EtcOptions): string {
  return containerResolvConf(host, {
    hostNetwork: opts.networkMode === 'host',
    embedded: opts.embeddedDns === true,
    dns: opts.dns, dnsSearch: opts.dnsSearch, dnsOptions: opts.dnsOptions,
  });
}

/**
 * Written at every start, before the process exists, so they need no fsync (a crash means another start,
 * which writes them again); the rename still keeps a reader from seeing half a file.
 */
export async function writeEtcFiles(dir: string, opts: EtcOptions): Promise<void> {
  // dockerd copies the host's hosts file for host networking, unless --add-host asks for entries.
  const hosts = opts.networkMode === 'host' && !opts.extraHosts?.length
    ? readFile('/etc/hosts', 'utf8').catch(() => hostsFile(opts))
    : Promise.resolve().then(() => hostsFile(opts));
  const hostResolv = opts.hostResolvConf !== undefined ? Promise.resolve(opts.hostResolvConf) : readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  const resolv = hostResolv.then((host) => resolvConf(host, opts));
  await Promise.all([
    hosts.then((text) => replaceFile(join(dir, 'hosts'), text)),
    resolv.then((text) => replaceFile(join(dir, 'resolv.conf'), text)),
    replaceFile(join(dir, 'hostname'), `${opts.hostname}\n`),
  ]);
}

// /etc/hostname, /etc/hosts and /etc/resolv.conf for a container, written in its directory and
// bind-mounted by the runtime, as Docker does (so a container's edits don't reach the image).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceFile } from '../store/index.js';

export interface EtcOptions {
  hostname: string;
  domainname: string;
  /** 'host' copies the host's files (Docker's --network host); otherwise generated. */
  networkMode: string;
  ip?: string;
  extraHosts?: string[] | null;
  dns?: string[];
  dnsSearch?: string[];
  dnsOptions?: string[];
}

const HOSTS_HEADER = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

export function hostsFile(opts: EtcOptions): string {
  const lines = [...HOSTS_HEADER];
  for (const entry of opts.extraHosts ?? []) {
    const idx = entry.indexOf(':');
    if (idx > 0) lines.push(`${entry.slice(idx + 1)}\t${entry.slice(0, idx)}`);
  }
  if (opts.ip) {
    const fqdn = opts.domainname ? `${opts.hostname}.${opts.domainname} ${opts.hostname}` : opts.hostname;
    lines.push(`${opts.ip}\t${fqdn}`);
  }
  return lines.join('\n') + '\n';
}

/** Docker keeps the host's resolvers except loopback ones (unreachable from a separate netns). */
export function resolvConf(host: string, opts: EtcOptions): string {
  const lines = host.split('\n');
  const keepLoopback = opts.networkMode === 'host';
  let servers = lines.filter((l) => /^\s*nameserver\s/.test(l)).map((l) => l.trim().split(/\s+/)[1]!);
  if (!keepLoopback) servers = servers.filter((s) => !s.startsWith('127.') && s !== '::1');
  if (opts.dns?.length) servers = opts.dns;
  if (!servers.length) servers = ['8.8.8.8', '8.8.4.4'];
  const search = opts.dnsSearch?.length ? opts.dnsSearch : lines.filter((l) => /^\s*search\s/.test(l)).flatMap((l) => l.trim().split(/\s+/).slice(1));
  const options = opts.dnsOptions?.length ? opts.dnsOptions : lines.filter((l) => /^\s*options\s/.test(l)).flatMap((l) => l.trim().split(/\s+/).slice(1));
  const out: string[] = [];
  if (search.length) out.push(`search ${search.join(' ')}`);
  for (const s of servers) out.push(`nameserver ${s}`);
  if (options.length) out.push(`options ${options.join(' ')}`);
  return out.join('\n') + '\n';
}

/**
 * Written at every start, before the process exists, so they need no fsync (a crash means another start,
 * which writes them again); the rename still keeps a reader from seeing half a file.
 */
export async function writeEtcFiles(dir: string, opts: EtcOptions): Promise<void> {
  const hosts = opts.networkMode === 'host'
    ? readFile('/etc/hosts', 'utf8').catch(() => hostsFile(opts))
    : Promise.resolve(hostsFile(opts));
  const resolv = readFile('/etc/resolv.conf', 'utf8').catch(() => '').then((host) => resolvConf(host, opts));
  await Promise.all([
    hosts.then((text) => replaceFile(join(dir, 'hosts'), text)),
    resolv.then((text) => replaceFile(join(dir, 'resolv.conf'), text)),
    replaceFile(join(dir, 'hostname'), `${opts.hostname}\n`),
  ]);
}

// Which URLs serve a registry domain and how to reach them: Docker Hub's real host and mirrors, insecure
// registries (HTTPS without verification, then HTTP; 127.0.0.0/8 always, as dockerd does), and per-host CA
// certificates and client certificates from a certs.d layout (<certsDir>/<host:port>/ca.crt, *.cert/*.key).
import { readFileSync, readdirSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { RegistrySettings } from './types.js';

export const DOCKER_HUB = 'docker.io';
const HUB_HOST = 'registry-1.docker.io';

export interface TlsFiles { ca?: Buffer[]; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean }

export interface Endpoint {
  /** scheme://host[:port], no trailing slash */
  url: string;
  /** host[:port] as references name it (the mirror's own host for a mirror). */
  host: string;
  mirror: boolean;
  tls: TlsFiles;
  /** Set when an HTTP endpoint is the fallback of an insecure HTTPS one. */
  fallback?: Endpoint;
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
}

function inCidr(ip: string, cidr: string): boolean {
  const [net, bits] = cidr.split('/') as [string, string];
  if (isIP(ip) !== 4 || isIP(net) !== 4) return false;
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  return (ipv4ToInt(ip) & mask) === (ipv4ToInt(net) & mask);
}

const hostname = (host: string): string => (host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, ''));

export class RegistryHosts {
  constructor(readonly settings: RegistrySettings) {}

  /** dockerd's isSecureIndex: listed host, or an IP (localhost counts as 127.0.0.1) in a listed/loopback CIDR. */
  isInsecure(host: string): boolean {
    const list = this.settings.insecureRegistries;
    if (list.includes(host)) return true;
    let name = hostname(host);
    if (name === 'localhost') name = '127.0.0.1';
    if (name === '::1') return true;
    const cidrs = ['127.0.0.0/8', ...list.filter((e) => e.includes('/'))];
    return cidrs.some((c) => inCidr(name, c));
  }

  tlsFor(host: string): TlsFiles {
    const dir = join(this.settings.certsDir, host);
    const out: TlsFiles = { rejectUnauthorized: true };
    let names: string[] = [];
    try { names = readdirSync(dir); } catch { return out; }
    const cas = names.filter((n) => n.endsWith('.crt')).map((n) => readFileSync(join(dir, n)));
    if (cas.length) out.ca = cas;
    const cert = names.find((n) => n.endsWith('.cert'));
    if (cert) {
      out.cert = readFileSync(join(dir, cert));
      out.key = readFileSync(join(dir, cert.replace(/\.cert$/, '.key')));
    }
    return out;
  }

  private endpoint(url: string, mirror: boolean): Endpoint {
    const u = new URL(url);
    const host = u.host;
    const insecure = this.isInsecure(host);
    const tls = this.tlsFor(host);
    if (u.protocol === 'http:') return { url: `http://${host}`, host, mirror, tls };
    const secure: Endpoint = { url: `https://${host}`, host, mirror, tls: insecure ? { ...tls, rejectUnauthorized: false } : tls };
    if (insecure) secure.fallback = { url: `http://${host}`, host, mirror, tls };
    return secure;
  }

  /** The endpoints to try for a reference's domain, in order. */
  endpoints(domain: string, forPush = false): Endpoint[] {
    if (domain === DOCKER_HUB) {
      const mirrors = forPush ? [] : this.settings.mirrors.map((m) => this.endpoint(m.replace(/\/+$/, ''), true));
      return [...mirrors, this.endpoint(`https://${HUB_HOST}`, false)];
    }
    return [this.endpoint(`https://${domain}`, false)];
  }
}

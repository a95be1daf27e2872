// IPv4 arithmetic for subnets, gateways and Docker-style MAC addresses (02:42 followed by the address).
import { readFileSync } from 'node:fs';
import { InvalidParameter } from '../errors.js';

export function parseIp(s: string): number {
  const parts = s.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new InvalidParameter(`invalid IP address: ${s}`);
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function isIp(s: string): boolean {
  try { parseIp(s); return true; } catch { return false; }
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface Cidr { base: number; prefix: number }

/** "10.1.0.0/16" (host bits kept in `ip` when asked: --bip's "10.1.0.1/16"). */
export function parseCidr(s: string): Cidr & { ip: number } {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(s.trim());
  if (!m || Number(m[2]) > 32) throw new InvalidParameter(`invalid CIDR address: ${s}`);
  const ip = parseIp(m[1]!);
  const prefix = Number(m[2]);
  return { base: (ip & maskOf(prefix)) >>> 0, prefix, ip };
}

export function maskOf(prefix: number): number { return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0; }
export function size(c: Cidr): number { return 2 ** (32 - c.prefix); }
export function formatCidr(c: Cidr): string { return `${formatIp(c.base)}/${c.prefix}`; }
export function contains(c: Cidr, ip: number): boolean { return ((ip & maskOf(c.prefix)) >>> 0) === c.base; }
export function overlaps(a: Cidr, b: Cidr): boolean {
  const p = Math.min(a.prefix, b.prefix);
  return ((a.base & maskOf(p)) >>> 0) === ((b.base & maskOf(p)) >>> 0);
}

/** Docker's MAC for an IPv4 endpoint: 02:42 then the four address bytes. */
export function macFor(ip: number): string {
  return ['02', '42', ...[ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/** IPv4 routes of the host's main table (from /proc/net/route: no process spawned). */
export function hostRoutes(): Cidr[] {
  let text = '';
  try { text = readFileSync('/proc/net/route', 'utf8'); } catch { return []; }
  const out: Cidr[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const dest = leHex(f[1]!);
    const mask = leHex(f[7]!);
    if (mask === 0) continue; // the default route overlaps everything; Docker ignores it too
    out.push({ base: dest, prefix: 32 - popZeros(mask) });
  }
  return out;
}

function leHex(h: string): number {
  const n = Number.parseInt(h, 16) >>> 0;
  return (((n & 255) << 24) | (((n >>> 8) & 255) << 16) | (((n >>> 16) & 255) << 8) | (n >>> 24)) >>> 0;
}

function popZeros(mask: number): number {
  let zeros = 0;
  for (let i = 0; i < 32 && ((mask >>> i) & 1) === 0; i++) zeros++;
  return zeros;
}

/**
 * Docker's default address pools (172.17-31.0.0/16, then 192.168.0.0/16 cut in /20s), then wharf's own
 * 10.210.0.0/16 cut in /24s so that many test daemons side by side still find room.
 */
export function* defaultPools(): Generator<Cidr> {
  for (let i = 17; i <= 31; i++) yield { base: parseIp(`172.${i}.0.0`), prefix: 16 };
  for (let i = 0; i < 256; i += 16) yield { base: parseIp(`192.168.${i}.0`), prefix: 20 };
  for (let i = 0; i < 256; i++) yield { base: parseIp(`10.210.${i}.0`), prefix: 24 };
}

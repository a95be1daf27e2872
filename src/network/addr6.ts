// IPv6 arithmetic for the IPv6 pools of user-defined networks (`--ipv6 --subnet 2001:db8::/64`): addresses
// as 128-bit bigints, printed in the canonical form Go's net.IP prints (RFC 5952: lower case, the longest
// run of zero groups as "::").
import { InvalidParameter } from '../errors.js';

export interface Cidr6 { base: bigint; prefix: number }

const ALL = (1n << 128n) - 1n;

export function parseIp6(s: string): bigint {
  const bad = () => new InvalidParameter(`invalid IP address: ${s}`);
  if (!/^[0-9a-fA-F:]+$/.test(s) || s.split('::').length > 2) throw bad();
  const [head, tail] = s.includes('::') ? s.split('::') as [string, string] : [s, undefined];
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  if (fill < 0 || (tail === undefined && h.length !== 8) || (tail !== undefined && fill < 1)) throw bad();
  const all = [...h, ...Array<string>(fill).fill('0'), ...t];
  if (all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) throw bad();
  return all.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
}

export function isIp6(s: string): boolean {
  try { parseIp6(s); return true; } catch { return false; }
}

export function formatIp6(n: bigint): string {
  const g = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(112 - 16 * i)) & 0xffffn));
  // The longest run of two or more zero groups (the first of equal runs) becomes "::".
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

const mask6 = (prefix: number): bigint => (prefix === 0 ? 0n : (ALL << BigInt(128 - prefix)) & ALL);

/** "2001:db8::1/64": the network (host bits cleared) and, in `ip`, the address as written. */
export function parseCidr6(s: string): Cidr6 & { ip: bigint } {
  const m = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(s.trim());
  if (!m || Number(m[2]) > 128) throw new InvalidParameter(`invalid CIDR address: ${s}`);
  const ip = parseIp6(m[1]!);
  const prefix = Number(m[2]);
  return { base: ip & mask6(prefix), prefix, ip };
}

export function formatCidr6(c: Cidr6): string { return `${formatIp6(c.base)}/${c.prefix}`; }
export function contains6(c: Cidr6, ip: bigint): boolean { return (ip & mask6(c.prefix)) === c.base; }
export function overlaps6(a: Cidr6, b: Cidr6): boolean {
  const m = mask6(Math.min(a.prefix, b.prefix));
  return (a.base & m) === (b.base & m);
}
/** The last address of the block. */
export function lastOf6(c: Cidr6): bigint { return c.base | (~mask6(c.prefix) & ALL); }

// Name and address lookups inside one asker's scope, with dockerd's rules: `name` and `name.network` both
// resolve (a name with dots is tried whole, then split at each dot from the right into name and network),
// names match case-insensitively, an asker's --link aliases come before ordinary names, and only the
// networks the asker is on are searched, so nothing leaks from one network to another.
import type { NetworkNames, Scope } from './types.js';

function lookupOn(net: NetworkNames, name: string): string[] {
  const want = name.toLowerCase();
  const ips: string[] = [];
  for (const e of net.entries) {
    if (e.name.toLowerCase() === want || e.aliases.some((a) => a.toLowerCase() === want)) {
      if (!ips.includes(e.ip)) ips.push(e.ip);
    }
  }
  return ips;
}

/** The addresses `qname` has for this asker, or undefined when the name is not the engine's. */
export function resolveName(scope: Scope, qname: string): string[] | undefined {
  const name = qname.endsWith('.') ? qname.slice(0, -1) : qname;
  const candidates: Array<[string, string]> = [[name, '']];
  for (let i = name.lastIndexOf('.'); i > 0; i = name.lastIndexOf('.', i - 1)) candidates.push([name.slice(0, i), name.slice(i + 1)]);
  for (const [req, network] of candidates) {
    const nets = scope.networks.filter((n) => !network || n.network === network);
    for (const n of nets) {
      const target = n.links[req];
      if (target === undefined) continue;
      const ips = lookupOn(n, target);
      if (ips.length) return ips;
    }
    for (const n of nets) {
      if (n.links[req] !== undefined) continue;
      const ips = lookupOn(n, req);
      if (ips.length) return ips;
    }
  }
  return undefined;
}

/** `4.3.2.1.in-addr.arpa.` -> `<container>.<network>` for an address on one of the asker's networks. */
export function resolveAddress(scope: Scope, qname: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.in-addr\.arpa\.?$/i.exec(qname);
  if (!m) return undefined;
  const ip = `${m[4]}.${m[3]}.${m[2]}.${m[1]}`;
  for (const n of scope.networks) {
    const e = n.entries.find((x) => x.ip === ip);
    if (e) return `${e.name}.${n.network}`;
  }
  return undefined;
}

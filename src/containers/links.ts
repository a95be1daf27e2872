// Legacy links (--link NAME[:ALIAS]) on the default bridge, as dockerd 20.10 does them: checked and
// recorded at create as "/child:/parent/alias" (what inspect shows), resolved at start into hosts lines
// ("IP alias hostname name") and the child's <ALIAS>_PORT_..., <ALIAS>_NAME and <ALIAS>_ENV_... variables.
// On user-defined networks the CLI sends links as endpoint links instead: the embedded DNS server
// answers the alias there, and nothing happens here.
import { InvalidParameter, NotFound, SystemError } from '../errors.js';
import type { ContainerStore } from './container-store.js';
import type { ContainerRecord } from './types.js';

export interface Link { child: string; parent: string; alias: string }

/** "name", "name:alias" or the recorded "/child:/parent/alias" form. */
export function parseLink(spec: string, parentName: string): Link {
  const parts = spec.split(':');
  if (parts.length > 2 || !parts[0]) throw new InvalidParameter(`bad format for links: ${spec}`);
  const child = parts[0].replace(/^\//, '');
  let alias = parts[1] ?? child;
  if (alias.startsWith('/')) alias = alias.slice(alias.lastIndexOf('/') + 1);
  return { child, parent: parentName.replace(/^\//, ''), alias };
}

/** Links in the form dockerd keeps and inspect shows, after checking each child exists. */
export function recordLinks(store: ContainerStore, parentName: string, networkMode: string, links: string[] | null | undefined): string[] | null {
  if (!links?.length) return null;
  // dockerd registers no links for user-defined networks (the CLI sends them as endpoint links there).
  if (!['default', 'bridge', 'host', 'none'].includes(networkMode) && !networkMode.startsWith('container:')) return links;
  if (networkMode === 'host') throw new InvalidParameter("conflicting options: host type networking can't be used with links. This would result in undefined behavior");
  const out = links.map((spec) => {
    const l = parseLink(spec, parentName);
    const child = store.find(l.child);
    if (!child) throw new NotFound(`could not get container for ${l.child}: No such container: ${l.child}`);
    return `${child.Name}:/${l.parent}/${l.alias}`;
  });
  return [...new Set(out)].sort();
}

export interface ResolvedLinks { hosts: Array<{ ip: string; names: string }>; env: string[] }

/** At start: every child must be running on the default bridge. `childIp` reads its bridge address. */
export function resolveLinks(store: ContainerStore, rec: ContainerRecord, childIp: (id: string) => string | undefined): ResolvedLinks {
  const out: ResolvedLinks = { hosts: [], env: [] };
  for (const spec of (rec.HostConfig.Links as string[] | null) ?? []) {
    const l = parseLink(spec, rec.Name);
    const child = store.find(l.child);
    const linkName = `/${l.parent}/${l.alias}`;
    if (!child) throw new NotFound(`could not get container for ${l.child}: No such container: ${l.child}`);
    if (child.State.Status !== 'running') throw new SystemError(`Cannot link to a non running container: ${child.Name} AS ${linkName}`);
    const ip = childIp(child.Id);
    if (!ip) throw new SystemError(`Cannot link to ${child.Name}, as it does not belong to the default network`);
    const name = child.Name.slice(1);
    out.hosts.push({ ip, names: `${l.alias} ${child.Config.Hostname}${l.alias !== name ? ` ${name}` : ''}` });
    out.env.push(...linkEnv(linkName, ip, child.Config.Env ?? [], Object.keys(child.Config.ExposedPorts ?? {})));
  }
  return out;
}

/** docker's link variables: ports (TCP first, by number; consecutive ones also as a range), name, env. */
export function linkEnv(linkName: string, ip: string, childEnv: string[], exposed: string[]): string[] {
  const alias = linkName.slice(linkName.lastIndexOf('/') + 1).toUpperCase().replace(/-/g, '_');
  const ports = exposed.map((k) => { const [n, proto = 'tcp'] = k.split('/'); return { n: Number(n), proto }; })
    .filter((p) => Number.isInteger(p.n))
    .sort((a, b) => a.proto === b.proto ? a.n - b.n : a.proto === 'tcp' ? -1 : b.proto === 'tcp' ? 1 : a.proto < b.proto ? -1 : 1);
  const env: string[] = [];
  let start = ports[0];
  let end = ports[0];
  ports.forEach((p, i) => {
    if (i === 0) env.push(`${alias}_PORT=${p.proto}://${ip}:${p.n}`);
    const prefix = `${alias}_PORT_${p.n}_${p.proto.toUpperCase()}`;
    env.push(`${prefix}=${p.proto}://${ip}:${p.n}`, `${prefix}_ADDR=${ip}`, `${prefix}_PORT=${p.n}`, `${prefix}_PROTO=${p.proto}`);
    if (i > 0 && p.n === end!.n + 1 && p.proto === end!.proto) {
      end = p;
      if (i < ports.length - 1) return;
    }
    if (end !== start) {
      const rp = `${alias}_PORT_${start!.n}_${start!.proto.toUpperCase()}`;
      env.push(`${rp}_START=${start!.proto}://${ip}:${start!.n}`, `${rp}_PORT_START=${start!.n}`, `${rp}_END=${end!.proto}://${ip}:${end!.n}`, `${rp}_PORT_END=${end!.n}`);
    }
    start = p;
    end = p;
  });
  env.push(`${alias}_NAME=${linkName}`);
  for (const v of childEnv) {
    const i = v.indexOf('=');
    if (i < 0) continue;
    const k = v.slice(0, i);
    if (k === 'HOME' || k === 'PATH') continue;
    env.push(`${alias}_ENV_${k}=${v.slice(i + 1)}`);
  }
  return env;
}

/** The alias path of each recorded link ("/parent/alias") by the id of the container it points at: ps lists them as names. */
export function linkNamesById(store: ContainerStore): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const parent of store.all()) {
    for (const spec of (parent.HostConfig.Links as string[] | null) ?? []) {
      const [childName, path] = spec.split(':');
      if (!childName || !path?.startsWith('/')) continue; // endpoint links on user-defined networks
      const child = store.find(childName);
      if (!child) continue;
      out.set(child.Id, [...(out.get(child.Id) ?? []), path]);
    }
  }
  for (const names of out.values()) names.sort();
  return out;
}

/**
 * DELETE /containers/{parent}/{alias}?link=1 (dockerd's rmLink): the name must reach a container (a link
 * name or, for the error, a plain name, whose "default link name" cannot go); the link leaves the parent's
 * HostConfig.Links. Returns the parent to save.
 */
export function removeLink(store: ContainerStore, name: string): ContainerRecord {
  const full = name.startsWith('/') ? name : `/${name}`;
  const slash = full.lastIndexOf('/');
  const parentName = full.slice(0, slash);
  const parent = parentName ? store.find(parentName) : undefined;
  const links = (parent?.HostConfig.Links as string[] | null) ?? [];
  const index = links.findIndex((spec) => spec.split(':')[1] === full);
  if (!parent || index < 0) {
    if (store.find(full) && !parentName) throw new SystemError('Conflict, cannot remove the default link name of the container');
    throw new NotFound(`No such container: ${name}`);
  }
  parent.HostConfig.Links = links.filter((_, i) => i !== index);
  return parent;
}

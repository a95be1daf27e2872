// Kernel plumbing through iproute2: bridges, veth pairs and network namespaces. Each step batches its
// commands into one `ip -batch` process: a container's sandbox costs two short processes to set up (one in
// the host's namespace that also creates the named namespace, one inside it: `ip -batch` cannot switch
// namespaces between lines) and one to tear down.
import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { run } from '../sys/index.js';

/** Named namespaces live here (iproute2's `ip netns` directory), bind-mounted so they outlive processes. */
export const NETNS_DIR = '/run/netns';

export function linkExists(name: string): boolean {
  return existsSync(`/sys/class/net/${name}`);
}

async function batch(lines: string[], netns?: string): Promise<void> {
  if (!lines.length) return;
  await run(['ip', ...(netns ? ['-n', netns] : []), '-batch', '-'], { input: lines.join('\n') + '\n', timeout: 30_000 });
}

/** Creates the bridge when missing and makes sure it has its gateway address and is up. */
export async function ensureBridge(name: string, gatewayCidr: string, gateway6Cidr?: string): Promise<void> {
  // The bridge gets a MAC address of its own, as dockerd gives one: left unset, the kernel gives the bridge
  // the lowest MAC among its ports, so a container joining with a lower veth MAC changes the gateway's
  // address under the feet of containers that cached the old one, and their packets to the gateway are
  // dropped until the neighbour entry expires.
  if (!linkExists(name)) {
    await run(['ip', 'link', 'add', 'name', name, 'address', randomMac(), 'type', 'bridge'], { allowFailure: false }).catch((err) => {
      if (!linkExists(name)) throw err;
    });
  }
  const r = await run(['ip', '-4', '-o', 'addr', 'show', 'dev', name]);
  const have = [...r.stdout.matchAll(/inet (\S+)/g)].map((m) => m[1]!);
  const lines: string[] = [];
  // A bridge made before (by an older wharfd or by hand) may still follow its ports' addresses.
  if (readSysfs(`/sys/class/net/${name}/addr_assign_type`) !== NET_ADDR_SET) lines.push(`link set ${name} address ${randomMac()}`);
  for (const a of have) if (a !== gatewayCidr) lines.push(`addr del ${a} dev ${name}`);
  if (!have.includes(gatewayCidr)) lines.push(`addr add ${gatewayCidr} brd + dev ${name}`); // with its broadcast, as dockerd's
  lines.push(`link set ${name} up`);
  if (gateway6Cidr) {
    await writeSysctl(`/proc/sys/net/ipv6/conf/${name}/disable_ipv6`, '0');
    lines.push(`addr replace ${gateway6Cidr} dev ${name} nodad`); // idempotent across daemon restarts
  }
  await batch(lines);
  await writeSysctl(`/proc/sys/net/ipv4/conf/${name}/route_localnet`, '1');
}

/** addr_assign_type of an address set by hand (include/uapi/linux/netdevice.h). */
const NET_ADDR_SET = '3';

function readSysfs(path: string): string | undefined {
  try { return readFileSync(path, 'utf8').trim(); } catch { return undefined; }
}

/** A random locally administered unicast MAC in dockerd's 02:42 prefix. */
function randomMac(): string {
  return ['02', '42', ...[...randomBytes(4)].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

export async function deleteLink(name: string): Promise<void> {
  if (!linkExists(name)) return;
  await run(['ip', 'link', 'del', name], { allowFailure: true });
}

export async function createNetns(name: string): Promise<string> {
  await run(['ip', 'netns', 'add', name]);
  return `${NETNS_DIR}/${name}`;
}

export async function deleteNetns(name: string): Promise<void> {
  if (!existsSync(`${NETNS_DIR}/${name}`)) return;
  await run(['ip', 'netns', 'del', name], { allowFailure: true });
}

export interface VethSpec {
  hostName: string;
  /** Interface name inside the namespace (eth0, eth1, ...). */
  ifName: string;
  bridge: string;
  mac: string;
  cidr: string;
  /** Default route through this interface (the first network's gateway). */
  gateway?: string;
  hairpin?: boolean;
  /** On an IPv6 network: the address with its prefix, and the IPv6 default route's gateway. */
  cidr6?: string;
  gateway6?: string;
}

/** The lines that address a veth's inside end and route through it (run in its namespace). */
function insideLines(v: VethSpec): string[] {
  return [
    `addr add ${v.cidr} brd + dev ${v.ifName}`,
    ...(v.cidr6 ? [`addr add ${v.cidr6} dev ${v.ifName} nodad`] : []),
    `link set ${v.ifName} up`,
    ...(v.gateway ? [`route add default via ${v.gateway} dev ${v.ifName}`] : []),
    ...(v.gateway && v.gateway6 ? [`route add ::/0 via ${v.gateway6} dev ${v.ifName}`] : []),
  ];
}

/** A veth pair with one end on the bridge and the other, addressed, inside the named namespace. */
export async function addVeth(netns: string, v: VethSpec, firstInNs: boolean): Promise<void> {
  await batch([
    `link add ${v.hostName} type veth peer name ${v.ifName} address ${v.mac} netns ${netns}`,
    `link set ${v.hostName} master ${v.bridge}`,
    ...(v.hairpin ? [`link set ${v.hostName} type bridge_slave hairpin on`] : []),
    `link set ${v.hostName} up`,
  ]);
  // A container started without IPv6 has it off for every new interface: switch it on for this one.
  if (v.cidr6) await run(['ip', 'netns', 'exec', netns, 'sysctl', '-qw', `net.ipv6.conf.${v.ifName}.disable_ipv6=0`], { allowFailure: true });
  await batch([...(firstInNs ? ['link set lo up'] : []), ...insideLines(v)], netns);
}

/**
 * A container's sandbox in two `ip` processes: the named namespace and every veth pair (host end on its
 * bridge, container end moved in) from the host side, then loopback, addresses and the default route from
 * inside. `ip netns add` in a batch returns to the original namespace before the next line.
 */
export async function createSandbox(netns: string, veths: VethSpec[]): Promise<{ key: string; configured: Promise<void> }> {
  await batch([
    `netns add ${netns}`,
    ...veths.flatMap((v) => [
      `link add ${v.hostName} type veth peer name ${v.ifName} address ${v.mac} netns ${netns}`,
      `link set ${v.hostName} master ${v.bridge}`,
      ...(v.hairpin ? [`link set ${v.hostName} type bridge_slave hairpin on`] : []),
      `link set ${v.hostName} up`,
    ]),
  ]);
  // The inside (addresses, routes, links up) is configured while the caller goes on: the runtime only needs
  // the namespace to exist to create the container in it; the container's process must not start before
  // `configured` resolves.
  const configured = batch(['link set lo up', ...veths.flatMap(insideLines)], netns);
  configured.catch(() => undefined); // the caller awaits it; a failure must not also be an unhandled rejection
  return { key: `${NETNS_DIR}/${netns}`, configured };
}

/**
 * Removes a sandbox's host-side veths (which takes their peers with them) and its namespace in one `ip`
 * process. Links or a namespace already gone are skipped, so it is idempotent.
 */
export async function removeSandbox(netns: string, hostVeths: string[]): Promise<void> {
  const lines = [
    ...hostVeths.filter(linkExists).map((v) => `link del ${v}`),
    ...(existsSync(`${NETNS_DIR}/${netns}`) ? [`netns del ${netns}`] : []),
  ];
  // -force: one line failing (a link removed meanwhile) does not skip the others.
  if (lines.length) await run(['ip', '-force', '-batch', '-'], { input: lines.join('\n') + '\n', timeout: 30_000, allowFailure: true });
}

export async function writeSysctl(path: string, value: string): Promise<void> {
  const { writeFile, readFile } = await import('node:fs/promises');
  const cur = await readFile(path, 'utf8').catch(() => undefined);
  if (cur === undefined || cur.trim() === value) return;
  await writeFile(path, value).catch(() => undefined);
}

/** Replaces the namespace's default route (a network connected or disconnected while the container runs). */
export async function setDefaultRoute(netns: string, gateway: string, ifName: string): Promise<void> {
  await batch([`route replace default via ${gateway} dev ${ifName}`], netns);
}

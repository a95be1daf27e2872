// docker network create: the client consolidates --subnet/--ip-range/--gateway/--aux-address into IPAM
// configs (consolidateIpam, with its errors) and prints the new network's ID.
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';

/** opts.MapOpts / ListOpts of labels: "k=v" -> {k: v}, a bare "k" -> {k: ""}. */
export function kv(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of (list as string[] | undefined) ?? []) {
    const i = item.indexOf('=');
    if (i < 0) out[item] = '';
    else out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}

function ipv4(s: string): number | undefined {
  const p = s.split('.');
  if (p.length !== 4 || p.some((x) => !/^\d{1,3}$/.test(x) || Number(x) > 255)) return undefined;
  return p.reduce((a, x) => a * 256 + Number(x), 0);
}

/** subnetMatches: does `subnet` (CIDR) contain `data` (an address or the address of a CIDR)? */
function subnetMatches(subnet: string, data: string): boolean {
  const [base, bits] = subnet.split('/');
  const net = ipv4(base ?? '');
  if (net === undefined || bits === undefined || !/^\d+$/.test(bits) || Number(bits) > 32) throw new Error(`invalid CIDR address: ${subnet}`);
  const ip = ipv4(data.split('/')[0] ?? '');
  if (ip === undefined) throw new Error(data.includes('/') ? `invalid CIDR address: ${data}` : `invalid IP address: ${data}`);
  const mask = Number(bits) === 0 ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0;
  return ((net & mask) >>> 0) === ((ip & mask) >>> 0);
}

export function consolidateIpam(subnets: string[], ranges: string[], gateways: string[], aux: Record<string, string>): Array<Record<string, unknown>> {
  if (subnets.length < ranges.length || subnets.length < gateways.length) throw new Error('every ip-range or gateway must have a corresponding subnet');
  const data = new Map<string, { Subnet: string; IPRange?: string; Gateway?: string; AuxiliaryAddresses: Record<string, string> }>();
  for (const s of subnets) {
    for (const k of data.keys()) if (subnetMatches(s, k) || subnetMatches(k, s)) throw new Error('multiple overlapping subnet configuration is not supported');
    data.set(s, { Subnet: s, AuxiliaryAddresses: {} });
  }
  const place = (value: string, key: 'IPRange' | 'Gateway', what: string, many: string) => {
    let match = false;
    for (const s of subnets) {
      if (!subnetMatches(s, value)) continue;
      const d = data.get(s)!;
      if (d[key]) throw new Error(`cannot configure multiple ${many} (${value}, ${d[key]}) ${key === 'IPRange' ? 'on' : 'for'} the same subnet (${s})`);
      d[key] = value;
      match = true;
    }
    if (!match) throw new Error(`no matching subnet for ${what} ${value}`);
  };
  for (const r of ranges) place(r, 'IPRange', 'range', 'ranges');
  for (const g of gateways) place(g, 'Gateway', 'gateway', 'gateways');
  for (const [name, addr] of Object.entries(aux)) {
    let match = false;
    for (const s of subnets) if (subnetMatches(s, addr)) { data.get(s)!.AuxiliaryAddresses[name] = addr; match = true; }
    if (!match) throw new Error(`no matching subnet for aux-address ${addr}`);
  }
  // AuxiliaryAddresses is omitempty in the API type.
  return [...data.values()].map(({ AuxiliaryAddresses, ...rest }) => (Object.keys(AuxiliaryAddresses).length ? { ...rest, AuxiliaryAddresses } : rest));
}

const list = (f: FlagValues, k: string) => (f[k] as string[] | undefined) ?? [];

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const ipam = consolidateIpam(list(flags, 'subnet'), list(flags, 'ip-range'), list(flags, 'gateway'), kv(flags['aux-address']));
  const configFrom = flags['config-from'] as string | undefined;
  const client = await ctx.client();
  const res = await client.networkCreate({
    Name: args[0],
    CheckDuplicate: true,
    Driver: (flags.driver as string | undefined) ?? 'bridge',
    Scope: (flags.scope as string | undefined) ?? '',
    EnableIPv6: flags.ipv6 === true,
    IPAM: { Driver: (flags['ipam-driver'] as string | undefined) ?? 'default', Config: ipam, Options: kv(flags['ipam-opt']) },
    Internal: flags.internal === true,
    Attachable: flags.attachable === true,
    Ingress: flags.ingress === true,
    ConfigOnly: flags['config-only'] === true,
    ...(configFrom ? { ConfigFrom: { Network: configFrom } } : {}),
    Options: kv(flags.opt),
    Labels: kv(flags.label),
  });
  ctx.io.out(`${res.Id}\n`);
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS] NETWORK',
    short: 'Create a network',
    flags: [
      { name: 'attachable', type: 'bool', usage: 'Enable manual container attachment' },
      { name: 'aux-address', type: 'list', varName: 'map', usage: 'Auxiliary IPv4 or IPv6 addresses used by Network driver', defaultText: 'map[]' },
      { name: 'config-from', type: 'string', usage: 'The network from which to copy the configuration' },
      { name: 'config-only', type: 'bool', usage: 'Create a configuration only network' },
      { name: 'driver', short: 'd', type: 'string', usage: 'Driver to manage the Network', defaultText: '"bridge"' },
      { name: 'gateway', type: 'stringSlice', usage: 'IPv4 or IPv6 Gateway for the master subnet' },
      { name: 'ingress', type: 'bool', usage: 'Create swarm routing-mesh network' },
      { name: 'internal', type: 'bool', usage: 'Restrict external access to the network' },
      { name: 'ip-range', type: 'stringSlice', usage: 'Allocate container ip from a sub-range' },
      { name: 'ipam-driver', type: 'string', usage: 'IP Address Management Driver', defaultText: '"default"' },
      { name: 'ipam-opt', type: 'list', varName: 'map', usage: 'Set IPAM driver specific options', defaultText: 'map[]' },
      { name: 'ipv6', type: 'bool', usage: 'Enable IPv6 networking' },
      { name: 'label', type: 'list', usage: 'Set metadata on a network' },
      { name: 'opt', short: 'o', type: 'list', varName: 'map', usage: 'Set driver specific options', defaultText: 'map[]' },
      { name: 'scope', type: 'string', usage: "Control the network's scope" },
      { name: 'subnet', type: 'stringSlice', usage: 'Subnet in CIDR format that represents a network segment' },
    ],
    args: { kind: 'exact', n: 1 },
  },
  run,
};
export default command;

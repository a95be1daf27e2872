// docker network connect: the endpoint settings as the docker client sends them (an IPAMConfig object even
// when empty, driver options as a map).
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';

const list = (f: FlagValues, k: string) => (f[k] as string[] | undefined) ?? [];

/** convertDriverOpt: "k=v" pairs; a bare key is an error. */
function driverOpts(items: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const i = item.indexOf('=');
    if (i < 0) throw new Error('invalid key value pair format in driver options');
    out[item.slice(0, i).trim()] = item.slice(i + 1).trim();
  }
  return out;
}

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const [network, container] = args as [string, string];
  const ipam: Record<string, unknown> = {};
  if (flags.ip) ipam.IPv4Address = flags.ip;
  if (flags.ip6) ipam.IPv6Address = flags.ip6;
  if (list(flags, 'link-local-ip').length) ipam.LinkLocalIPs = list(flags, 'link-local-ip');
  const links = list(flags, 'link');
  const aliases = list(flags, 'alias');
  const client = await ctx.client();
  await client.networkConnect(network, {
    Container: container,
    EndpointConfig: {
      IPAMConfig: ipam, Links: links.length ? links : null, Aliases: aliases.length ? aliases : null, DriverOpts: driverOpts(list(flags, 'driver-opt')),
    },
  });
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS] NETWORK CONTAINER',
    short: 'Connect a container to a network',
    flags: [
      { name: 'alias', type: 'stringSlice', usage: 'Add network-scoped alias for the container' },
      { name: 'driver-opt', type: 'stringSlice', usage: 'driver options for the network' },
      { name: 'ip', type: 'string', usage: 'IPv4 address (e.g., 172.30.100.104)' },
      { name: 'ip6', type: 'string', usage: 'IPv6 address (e.g., 2001:db8::33)' },
      { name: 'link', type: 'list', usage: 'Add link to another container' },
      { name: 'link-local-ip', type: 'stringSlice', usage: 'Add a link-local address for the container' },
    ],
    args: { kind: 'exact', n: 2 },
  },
  run,
};
export default command;

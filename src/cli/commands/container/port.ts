// docker port: all mappings ("80/tcp -> 0.0.0.0:8080"), or the host addresses of one private port.
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { joinHostPort } from '../../go-text.js';

async function run(ctx: Ctx, _flags: FlagValues, args: string[]): Promise<number> {
  const client = await ctx.client();
  const c = await client.containerInspect(args[0]!);
  const ports = c.NetworkSettings.Ports ?? {};
  if (args[1] !== undefined) {
    let [port, proto = 'tcp'] = args[1].split('/') as [string, string?];
    proto = proto.toLowerCase();
    const key = `${port}/${proto}`;
    const bindings = ports[key];
    if (bindings && bindings.length) {
      for (const b of bindings) ctx.io.out(`${joinHostPort(b.HostIp, b.HostPort)}\n`);
      return 0;
    }
    throw new Error(`Error: No public port '${key}' published for ${args[0]}`);
  }
  const out: string[] = [];
  for (const [from, bindings] of Object.entries(ports)) {
    for (const b of bindings ?? []) out.push(`${from} -> ${joinHostPort(b.HostIp, b.HostPort)}`);
  }
  for (const line of out) ctx.io.out(`${line}\n`);
  return 0;
}

const command: Command = {
  spec: { use: 'CONTAINER [PRIVATE_PORT[/PROTO]]', short: 'List port mappings or a specific mapping for the container', flags: [], args: { kind: 'range', min: 1, max: 2 } },
  run,
};
export default command;

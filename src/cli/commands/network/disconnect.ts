// docker network disconnect.
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const [network, container] = args as [string, string];
  const client = await ctx.client();
  await client.networkDisconnect(network, { Container: container, Force: flags.force === true });
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS] NETWORK CONTAINER',
    short: 'Disconnect a container from a network',
    flags: [{ name: 'force', short: 'f', type: 'bool', usage: 'Force the container to disconnect from a network' }],
    args: { kind: 'exact', n: 2 },
  },
  run,
};
export default command;

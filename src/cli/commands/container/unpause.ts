// docker unpause: Unpause all processes within one or more containers.
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { forEach } from './each.js';

async function run(ctx: Ctx, _flags: FlagValues, args: string[]): Promise<number> {
  const client = await ctx.client();
  return forEach(ctx, args, async (name) => { await client.containerUnpause(name); });
}

const command: Command = {
  spec: {
    use: 'CONTAINER [CONTAINER...]',
    short: 'Unpause all processes within one or more containers',
    flags: [],
    args: { kind: 'min', n: 1 },
  },
  run,
};
export default command;

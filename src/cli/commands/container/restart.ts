// docker restart: Restart one or more containers.
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { forEach } from './each.js';

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const client = await ctx.client();
  return forEach(ctx, args, async (name) => { await client.containerRestart(name, flags.time as number | undefined); });
}

const command: Command = {
  spec: {
    use: '[OPTIONS] CONTAINER [CONTAINER...]',
    short: 'Restart one or more containers',
    flags: [{ name: 'time', short: 't', type: 'int', usage: 'Seconds to wait for stop before killing the container', defaultText: '10' }],
    args: { kind: 'min', n: 1 },
  },
  run,
};
export default command;

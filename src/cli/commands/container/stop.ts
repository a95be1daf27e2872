// docker stop: Stop one or more running containers.
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { forEach } from './each.js';

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const client = await ctx.client();
  return forEach(ctx, args, async (name) => { await client.containerStop(name, flags.time as number | undefined); });
}

const command: Command = {
  spec: {
    use: '[OPTIONS] CONTAINER [CONTAINER...]',
    short: 'Stop one or more running containers',
    flags: [{ name: 'time', short: 't', type: 'int', usage: 'Seconds to wait for stop before killing it', defaultText: '10' }],
    args: { kind: 'min', n: 1 },
  },
  run,
};
export default command;

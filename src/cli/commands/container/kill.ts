// docker kill: Kill one or more running containers.
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { forEach } from './each.js';

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const client = await ctx.client();
  return forEach(ctx, args, async (name) => { await client.containerKill(name, (flags.signal as string | undefined) ?? 'KILL'); });
}

const command: Command = {
  spec: {
    use: '[OPTIONS] CONTAINER [CONTAINER...]',
    short: 'Kill one or more running containers',
    flags: [{ name: 'signal', short: 's', type: 'string', usage: 'Signal to send to the container', defaultText: '"KILL"' }],
    args: { kind: 'min', n: 1 },
  },
  run,
};
export default command;

// docker wait: Block until one or more containers stop, then print their exit codes.
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { forEach } from './each.js';

async function run(ctx: Ctx, _flags: FlagValues, args: string[]): Promise<number> {
  const client = await ctx.client();
  return forEach(ctx, args, async (name) => { return String((await (await client.containerWait(name)).result).StatusCode); });
}

const command: Command = {
  spec: {
    use: 'CONTAINER [CONTAINER...]',
    short: 'Block until one or more containers stop, then print their exit codes',
    flags: [],
    args: { kind: 'min', n: 1 },
  },
  run,
};
export default command;

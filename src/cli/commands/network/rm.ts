// docker network rm: each removed name on stdout, each error on stderr as it happens, exit 1 if any failed.
import type { Command, Ctx } from '../../command.js';
import { errorText, StatusError } from '../../command.js';

async function run(ctx: Ctx, _flags: unknown, args: string[]): Promise<number> {
  const client = await ctx.client();
  let failed = false;
  for (const name of args) {
    try {
      await client.networkRemove(name);
      ctx.io.out(`${name}\n`);
    } catch (err) {
      ctx.io.err(`${errorText(err)}\n`);
      failed = true;
    }
  }
  if (failed) throw new StatusError('', 1);
  return 0;
}

const command: Command = {
  spec: { use: 'NETWORK [NETWORK...]', short: 'Remove one or more networks', flags: [], args: { kind: 'min', n: 1 } },
  run,
};
export default command;

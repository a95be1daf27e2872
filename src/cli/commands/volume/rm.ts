// docker volume rm: each removed name on stdout, errors joined on stderr (exit 1).
import type { Command, Ctx } from '../../command.js';
import { errorText, StatusError } from '../../command.js';
import type { FlagValues } from '../../flags.js';

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const client = await ctx.client();
  const errs: string[] = [];
  for (const name of args) {
    try {
      await client.volumeRemove(name, flags.force === true);
      ctx.io.out(`${name}\n`);
    } catch (err) {
      errs.push(errorText(err));
    }
  }
  if (errs.length) throw new StatusError(errs.join('\n'), 1);
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS] VOLUME [VOLUME...]',
    short: 'Remove one or more volumes',
    flags: [{ name: 'force', short: 'f', type: 'bool', usage: 'Force the removal of one or more volumes' }],
    args: { kind: 'min', n: 1 },
  },
  run,
};
export default command;

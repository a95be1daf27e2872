// docker rmi / image rm: "Untagged: x" and "Deleted: sha256:..." lines; errors joined at the end.
import type { Command, Ctx } from '../../command.js';
import { errorText, StatusError } from '../../command.js';
import type { FlagValues } from '../../flags.js';

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const client = await ctx.client();
  const errs: string[] = [];
  for (const name of args) {
    try {
      const deleted = await client.imageRemove(name, { force: flags.force === true, noprune: flags['no-prune'] === true });
      for (const d of deleted ?? []) {
        if (d.Deleted) ctx.io.out(`Deleted: ${d.Deleted}\n`);
        else ctx.io.out(`Untagged: ${d.Untagged}\n`);
      }
    } catch (err) {
      errs.push(errorText(err));
    }
  }
  if (errs.length) throw new StatusError(errs.join('\n'), 1);
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS] IMAGE [IMAGE...]',
    short: 'Remove one or more images',
    flags: [
      { name: 'force', short: 'f', type: 'bool', usage: 'Force removal of the image' },
      { name: 'no-prune', type: 'bool', usage: 'Do not delete untagged parents' },
    ],
    args: { kind: 'min', n: 1 },
  },
  run,
};
export default command;

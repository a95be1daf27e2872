// docker container prune.
import { humanSize } from '../../format/index.js';
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { filtersOf, parseFilter } from '../../filter-opt.js';

const WARNING = 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue?';

/** command.PromptForConfirmation: the question on stdout, yes only for "y" or "Y". */
export async function confirm(ctx: Ctx, message: string): Promise<boolean> {
  ctx.io.out(`${message} [y/N] `);
  const answer = (await ctx.readLine()).trim();
  return answer === 'y' || answer === 'Y';
}

async function run(ctx: Ctx, flags: FlagValues): Promise<number> {
  if (flags.force !== true && !(await confirm(ctx, WARNING))) return 0;
  const client = await ctx.client();
  const report = await client.containerPrune(filtersOf(flags));
  let output = '';
  if (report.ContainersDeleted?.length) output = `Deleted Containers:\n${report.ContainersDeleted.map((id) => `${id}\n`).join('')}`;
  if (output) ctx.io.out(`${output}\n`);
  ctx.io.out(`Total reclaimed space: ${humanSize(report.SpaceReclaimed ?? 0)}\n`);
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS]',
    short: 'Remove all stopped containers',
    flags: [
      { name: 'filter', type: 'list', varName: 'filter', usage: 'Provide filter values (e.g. \'until=<timestamp>\')', parse: parseFilter },
      { name: 'force', short: 'f', type: 'bool', usage: 'Do not prompt for confirmation' },
    ],
    args: { kind: 'none' },
  },
  run,
};
export default command;

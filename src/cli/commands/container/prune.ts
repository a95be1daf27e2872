// docker container prune.
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { filtersOf, parseFilter } from '../../filter-opt.js';
import { deletedList, runPrune } from '../../prune.js';

const WARNING = 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue?';

function run(ctx: Ctx, flags: FlagValues): Promise<number> {
  return runPrune(ctx, flags, WARNING, async () => {
    const report = await (await ctx.client()).containerPrune(filtersOf(flags));
    return { output: deletedList('Deleted Containers', report.ContainersDeleted), space: report.SpaceReclaimed ?? 0 };
  });
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

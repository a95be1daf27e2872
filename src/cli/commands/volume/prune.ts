// docker volume prune (20.10: every local volume no container uses, named or not).
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { filtersOf, parseFilter } from '../../filter-opt.js';
import { deletedList, runPrune } from '../../prune.js';

const WARNING = 'WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue?';

function run(ctx: Ctx, flags: FlagValues): Promise<number> {
  return runPrune(ctx, flags, WARNING, async () => {
    const report = await (await ctx.client()).volumePrune(filtersOf(flags));
    return { output: deletedList('Deleted Volumes', report.VolumesDeleted), space: report.SpaceReclaimed ?? 0 };
  });
}

const command: Command = {
  spec: {
    use: '[OPTIONS]',
    short: 'Remove all unused local volumes',
    flags: [
      { name: 'filter', type: 'list', varName: 'filter', usage: "Provide filter values (e.g. 'label=<label>')", parse: parseFilter },
      { name: 'force', short: 'f', type: 'bool', usage: 'Do not prompt for confirmation' },
    ],
    args: { kind: 'none' },
  },
  run,
};
export default command;

// docker network prune: every user-defined network no running container uses.
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { filtersOf, parseFilter } from '../../filter-opt.js';
import { confirm, deletedList } from '../../prune.js';

const WARNING = 'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue?';

async function run(ctx: Ctx, flags: FlagValues): Promise<number> {
  if (flags.force !== true && !(await confirm(ctx, WARNING))) return 0;
  const client = await ctx.client();
  const report = await client.networkPrune(filtersOf(flags));
  ctx.io.out(deletedList('Deleted Networks', report.NetworksDeleted));
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS]',
    short: 'Remove all unused networks',
    flags: [
      { name: 'filter', type: 'list', varName: 'filter', usage: "Provide filter values (e.g. 'until=<timestamp>')", parse: parseFilter },
      { name: 'force', short: 'f', type: 'bool', usage: 'Do not prompt for confirmation' },
    ],
    args: { kind: 'none' },
  },
  run,
};
export default command;

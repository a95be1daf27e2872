// docker volume prune (20.10: every local volume no container uses, named or not).
import { humanSize } from '../../format/index.js';
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { filtersOf, parseFilter } from '../../filter-opt.js';
import { confirm } from '../container/prune.js';

const WARNING = 'WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue?';

async function run(ctx: Ctx, flags: FlagValues): Promise<number> {
  if (flags.force !== true && !(await confirm(ctx, WARNING))) return 0;
  const client = await ctx.client();
  const report = await client.volumePrune(filtersOf(flags));
  if (report.VolumesDeleted?.length) ctx.io.out(`Deleted Volumes:\n${report.VolumesDeleted.map((n) => `${n}\n`).join('')}\n`);
  ctx.io.out(`Total reclaimed space: ${humanSize(report.SpaceReclaimed ?? 0)}\n`);
  return 0;
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

// docker builder prune: the confirmation and "Total reclaimed space" of docker's classic-builder path.
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { deletedList, runPrune } from '../../prune.js';

// Docker 20.10 puts these on one line (builder/prune.go), unlike the other prune commands.
const NORMAL_WARNING = 'WARNING! This will remove all dangling build cache. Are you sure you want to continue?';
const ALL_WARNING = 'WARNING! This will remove all build cache. Are you sure you want to continue?';

function run(ctx: Ctx, flags: FlagValues): Promise<number> {
  const all = flags.all === true;
  return runPrune(ctx, flags, all ? ALL_WARNING : NORMAL_WARNING, async () => {
    const r = await (await ctx.client()).buildPrune({ all });
    return { output: deletedList('Deleted build cache objects', r.CachesDeleted), space: r.SpaceReclaimed ?? 0 };
  });
}

const command: Command = {
  spec: {
    use: '',
    short: 'Remove build cache',
    flags: [
      { name: 'all', short: 'a', type: 'bool', usage: 'Remove all unused build cache, not just dangling ones' },
      { name: 'filter', type: 'list', usage: 'Provide filter values (e.g. \'until=24h\')' },
      { name: 'force', short: 'f', type: 'bool', usage: 'Do not prompt for confirmation' },
      { name: 'keep-storage', type: 'string', usage: 'Amount of disk space to keep for cache' },
    ],
    args: { kind: 'none' },
  },
  run,
};
export default command;

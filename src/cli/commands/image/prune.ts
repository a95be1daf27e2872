// docker image prune: dangling images, or with -a every image no container uses.
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { filtersOf, parseFilter } from '../../filter-opt.js';
import { runPrune, type PruneOutcome } from '../../prune.js';

const ALL_WARNING = 'WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue?';
const DANGLING_WARNING = 'WARNING! This will remove all dangling images.\nAre you sure you want to continue?';

/** Prunes images and returns what to print (ending with a blank line) and the space; shared with system prune. */
export async function pruneImages(ctx: Ctx, all: boolean, flags: FlagValues): Promise<PruneOutcome> {
  const client = await ctx.client();
  const filters = { ...(filtersOf(flags) ?? {}), dangling: [String(!all)] };
  const report = await client.imagePrune(filters);
  let output = '';
  if (report.ImagesDeleted?.length) {
    output = 'Deleted Images:\n';
    for (const st of report.ImagesDeleted) output += st.Untagged ? `untagged: ${st.Untagged}\n` : `deleted: ${st.Deleted}\n`;
    output += '\n';
  }
  return { output, space: report.SpaceReclaimed ?? 0 };
}

function run(ctx: Ctx, flags: FlagValues): Promise<number> {
  const all = flags.all === true;
  return runPrune(ctx, flags, all ? ALL_WARNING : DANGLING_WARNING, () => pruneImages(ctx, all, flags));
}

const command: Command = {
  spec: {
    use: '[OPTIONS]',
    short: 'Remove unused images',
    flags: [
      { name: 'all', short: 'a', type: 'bool', usage: 'Remove all unused images, not just dangling ones' },
      { name: 'filter', type: 'list', varName: 'filter', usage: 'Provide filter values (e.g. \'until=<timestamp>\')', parse: parseFilter },
      { name: 'force', short: 'f', type: 'bool', usage: 'Do not prompt for confirmation' },
    ],
    args: { kind: 'none' },
  },
  run,
};
export default command;

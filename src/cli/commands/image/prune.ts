// docker image prune: dangling images, or with -a every image no container uses.
import { humanSize } from '../../format/index.js';
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { filtersOf, parseFilter } from '../../filter-opt.js';
import { confirm } from '../container/prune.js';

const ALL_WARNING = 'WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue?';
const DANGLING_WARNING = 'WARNING! This will remove all dangling images.\nAre you sure you want to continue?';

/** Runs the prune and returns [output, space]; shared with system prune. */
export async function pruneImages(ctx: Ctx, all: boolean, flags: FlagValues): Promise<[string, number]> {
  const client = await ctx.client();
  const filters = { ...(filtersOf(flags) ?? {}), dangling: [String(!all)] };
  const report = await client.imagePrune(filters);
  let output = '';
  if (report.ImagesDeleted?.length) {
    output = 'Deleted Images:\n';
    for (const st of report.ImagesDeleted) output += st.Untagged ? `untagged: ${st.Untagged}\n` : `deleted: ${st.Deleted}\n`;
  }
  return [output, report.SpaceReclaimed ?? 0];
}

async function run(ctx: Ctx, flags: FlagValues): Promise<number> {
  const all = flags.all === true;
  if (flags.force !== true && !(await confirm(ctx, all ? ALL_WARNING : DANGLING_WARNING))) return 0;
  const [output, space] = await pruneImages(ctx, all, flags);
  if (output) ctx.io.out(`${output}\n`);
  ctx.io.out(`Total reclaimed space: ${humanSize(space)}\n`);
  return 0;
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

// docker builder prune: the same confirmation and "Total reclaimed space" as docker's classic-builder path.
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { humanSize } from '../../format/units.js';

async function run(ctx: Ctx, flags: FlagValues): Promise<number> {
  const all = flags.all === true;
  if (flags.force !== true) {
    ctx.io.out(all
      ? 'WARNING! This will remove all build cache.\nAre you sure you want to continue? [y/N] '
      : 'WARNING! This will remove all dangling build cache.\nAre you sure you want to continue? [y/N] ');
    const answer = (await ctx.readLine()).trim().toLowerCase();
    if (answer !== 'y' && answer !== 'yes') return 0;
  }
  const client = await ctx.client();
  const r = await client.buildPrune({ all });
  if (r.CachesDeleted?.length) {
    ctx.io.out('Deleted build cache objects:\n');
    for (const id of r.CachesDeleted) ctx.io.out(`${id}\n`);
    ctx.io.out('\n');
  }
  ctx.io.out(`Total reclaimed space: ${humanSize(r.SpaceReclaimed ?? 0)}\n`);
  return 0;
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

// docker system prune: containers, networks, (volumes), dangling or all images, build cache.
import { humanSize } from '../../format/index.js';
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { filtersOf, parseFilter } from '../../filter-opt.js';
import { confirm, deletedList, naturalCompare } from '../../prune.js';
import { pruneImages } from '../image/prune.js';

/** system/prune.go's confirmationMessage: what goes, then the label/label!/until filters, naturally sorted. */
function warning(all: boolean, volumes: boolean, flags: FlagValues): string {
  const items = ['all stopped containers', 'all networks not used by at least one container'];
  if (volumes) items.push('all volumes not used by at least one container');
  items.push(all ? 'all images without at least one container associated to them' : 'all dangling images');
  items.push(all ? 'all build cache' : 'all dangling build cache');
  let text = `WARNING! This will remove:\n${items.map((i) => `  - ${i}\n`).join('')}`;
  const filters = filtersOf(flags) ?? {};
  const shown = ['label', 'label!', 'until'].flatMap((name) => (filters[name] ?? []).map((v) => `${name}=${v}`)).sort(naturalCompare);
  if (shown.length) text += `\n  Items to be pruned will be filtered with:\n${shown.map((f) => `  - ${f}\n`).join('')}`;
  return `${text}\nAre you sure you want to continue?`;
}

async function run(ctx: Ctx, flags: FlagValues): Promise<number> {
  const all = flags.all === true;
  const volumes = flags.volumes === true;
  const filters = filtersOf(flags);
  if (volumes && filters?.until) throw new Error('ERROR: The "until" filter is not supported with "--volumes"');
  if (flags.force !== true && !(await confirm(ctx, warning(all, volumes, flags)))) return 0;
  const client = await ctx.client();
  let space = 0;
  const c = await client.containerPrune(filters);
  ctx.io.out(deletedList('Deleted Containers', c.ContainersDeleted));
  space += c.SpaceReclaimed ?? 0;
  const n = await client.networkPrune(filters);
  ctx.io.out(deletedList('Deleted Networks', n.NetworksDeleted));
  if (volumes) {
    const v = await client.volumePrune(filters);
    ctx.io.out(deletedList('Deleted Volumes', v.VolumesDeleted));
    space += v.SpaceReclaimed ?? 0;
  }
  const images = await pruneImages(ctx, all, flags);
  ctx.io.out(images.output);
  space += images.space;
  const b = await client.buildPrune({ all, filters });
  ctx.io.out(deletedList('Deleted build cache objects', b.CachesDeleted));
  space += b.SpaceReclaimed ?? 0;
  ctx.io.out(`Total reclaimed space: ${humanSize(space)}\n`);
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS]',
    short: 'Remove unused data',
    flags: [
      { name: 'all', short: 'a', type: 'bool', usage: 'Remove all unused images not just dangling ones' },
      { name: 'filter', type: 'list', varName: 'filter', usage: 'Provide filter values (e.g. \'label=<key>=<value>\')', parse: parseFilter },
      { name: 'force', short: 'f', type: 'bool', usage: 'Do not prompt for confirmation' },
      { name: 'volumes', type: 'bool', usage: 'Prune volumes' },
    ],
    args: { kind: 'none' },
  },
  run,
};
export default command;

// docker system prune: containers, networks, (volumes), dangling or all images, build cache.
import { humanSize } from '../../format/index.js';
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { filtersOf, parseFilter } from '../../filter-opt.js';
import { confirm } from '../container/prune.js';
import { pruneImages } from '../image/prune.js';

function warning(all: boolean, volumes: boolean): string {
  const items = ['all stopped containers', 'all networks not used by at least one container'];
  if (volumes) items.push('all volumes not used by at least one container');
  items.push(all ? 'all images without at least one container associated to them' : 'all dangling images');
  items.push(all ? 'all build cache' : 'all dangling build cache');
  return `WARNING! This will remove:\n${items.map((i) => `  - ${i}\n`).join('')}\nAre you sure you want to continue?`;
}

async function run(ctx: Ctx, flags: FlagValues): Promise<number> {
  const all = flags.all === true;
  const volumes = flags.volumes === true;
  if (flags.force !== true && !(await confirm(ctx, warning(all, volumes)))) return 0;
  const client = await ctx.client();
  const filters = filtersOf(flags);
  let space = 0;
  const c = await client.containerPrune(filters);
  if (c.ContainersDeleted?.length) ctx.io.out(`Deleted Containers:\n${c.ContainersDeleted.map((id) => `${id}\n`).join('')}\n`);
  space += c.SpaceReclaimed ?? 0;
  const n = await client.networkPrune(filters);
  if (n.NetworksDeleted?.length) ctx.io.out(`Deleted Networks:\n${n.NetworksDeleted.map((id) => `${id}\n`).join('')}\n`);
  if (volumes) {
    const v = await client.volumePrune(filters);
    if (v.VolumesDeleted?.length) ctx.io.out(`Deleted Volumes:\n${v.VolumesDeleted.map((id) => `${id}\n`).join('')}\n`);
    space += v.SpaceReclaimed ?? 0;
  }
  const [out, imgSpace] = await pruneImages(ctx, all, flags);
  if (out) ctx.io.out(`${out}\n`);
  space += imgSpace;
  const b = await client.buildPrune({ all, filters });
  if (b.CachesDeleted?.length) ctx.io.out(`Deleted build cache objects:\n${b.CachesDeleted.map((id) => `${id}\n`).join('')}\n`);
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

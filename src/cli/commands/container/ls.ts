// docker ps / container ls.
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { FILTER_FLAG, filtersOf } from '../../filter-opt.js';
import { writeTable } from '../../table-output.js';
import { CONTAINER_HEADERS, ContainerContext, DEFAULT_PS_FORMAT } from './container-context.js';

/** formatter.NewContainerFormat */
function psFormat(format: string | undefined, quiet: boolean, size: boolean): string {
  if (format === undefined || format === '' || format === 'table') {
    if (quiet) return '{{.ID}}';
    return size ? `${DEFAULT_PS_FORMAT}\t{{.Size}}` : DEFAULT_PS_FORMAT;
  }
  return format;
}

async function run(ctx: Ctx, flags: FlagValues): Promise<number> {
  const format = flags.format as string | undefined;
  let limit = (flags.last as number | undefined) ?? -1;
  if (flags.latest === true && limit === -1) limit = 1;
  // docker asks for sizes when a custom template mentions .Size, even without -s.
  const size = flags.size === true || (format !== undefined && format !== 'table' && /\.Size\b/.test(format));
  const client = await ctx.client();
  const list = await client.containerList({ all: flags.all === true, limit: limit === -1 ? undefined : limit, size, filters: filtersOf(flags) });
  const now = Date.now();
  const rows = list.map((c) => new ContainerContext(c, flags['no-trunc'] !== true, now));
  writeTable(ctx, psFormat(format, flags.quiet === true, flags.size === true), rows, CONTAINER_HEADERS);
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS]',
    short: 'List containers',
    flags: [
      { name: 'all', short: 'a', type: 'bool', usage: 'Show all containers (default shows just running)' },
      FILTER_FLAG,
      { name: 'format', type: 'string', usage: 'Pretty-print containers using a Go template' },
      { name: 'last', short: 'n', type: 'int', usage: 'Show n last created containers (includes all states)', defaultText: '-1' },
      { name: 'latest', short: 'l', type: 'bool', usage: 'Show the latest created container (includes all states)' },
      { name: 'no-trunc', type: 'bool', usage: "Don't truncate output" },
      { name: 'quiet', short: 'q', type: 'bool', usage: 'Only display container IDs' },
      { name: 'size', short: 's', type: 'bool', usage: 'Display total file sizes' },
    ],
    args: { kind: 'none' },
  },
  run,
};
export default command;

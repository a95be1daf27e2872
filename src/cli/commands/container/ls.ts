// docker ps / container ls.
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { FILTER_FLAG, filtersOf } from '../../filter-opt.js';
import { compileTemplate } from '../../format/index.js';
import { rawContainerFormat } from '../../raw-formats.js';
import { writeTable } from '../../table-output.js';
import { CONTAINER_HEADERS, ContainerContext, DEFAULT_PS_FORMAT } from './container-context.js';

/** formatter.NewContainerFormat */
function psFormat(format: string | undefined, quiet: boolean, size: boolean): string {
  if (format === undefined || format === '' || format === 'table') {
    if (quiet) return '{{.ID}}';
    return size ? `${DEFAULT_PS_FORMAT}\t{{.Size}}` : DEFAULT_PS_FORMAT;
  }
  if (format === 'raw') return rawContainerFormat(quiet, size);
  return format;
}

/** An empty ContainerContext that notes whether a template read .Size (docker's FieldsUsed). */
class FieldProbe extends ContainerContext {
  sizeUsed = false;
  constructor() { super({ Id: '', Names: [], Image: '', ImageID: '', Command: '', Created: 0, Ports: [], Labels: null, State: '', Status: '' }, true, Date.now()); }
  override get Size(): string { this.sizeUsed = true; return super.Size; }
}

/**
 * docker 20.10's buildContainerListOptions runs a custom --format once over an empty ContainerContext before
 * listing, to learn whether it needs sizes (`{{json .}}` reads every field, .Size included). So template errors
 * come first, as "failed to parse template: ..." or "failed to execute template: ...". Returns whether .Size was read.
 */
function probeFormat(format: string): boolean {
  let tmpl;
  try { tmpl = compileTemplate(format); } catch (err) { throw new Error(`failed to parse template: ${(err as Error).message}`); }
  const probe = new FieldProbe();
  try { tmpl.execute(probe); } catch (err) { throw new Error(`failed to execute template: ${(err as Error).message}`); }
  return probe.sizeUsed;
}

async function run(ctx: Ctx, flags: FlagValues): Promise<number> {
  const format = flags.format as string | undefined;
  const sizeUsed = format && flags.size !== true ? probeFormat(format) : false;
  let limit = (flags.last as number | undefined) ?? -1;
  if (flags.latest === true && limit === -1) limit = 1;
  // docker asks for sizes when a custom template reads .Size, even without -s.
  const size = flags.size === true || (format !== 'table' && sizeUsed);
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

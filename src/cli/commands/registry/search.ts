// docker search: GET /images/search, printed as docker's table (description cut at 45 characters).
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { registryAuthFor } from '../../docker-config.js';
import { FILTER_FLAG, filtersOf } from '../../filter-opt.js';
import { writeTable } from '../../table-output.js';

interface Result { name: string; description: string; star_count: number; is_official: boolean; is_automated: boolean }

class SearchContext {
  constructor(private readonly r: Result, private readonly trunc: boolean) {}
  get Name(): string { return this.r.name; }
  get Description(): string {
    const d = this.r.description.replace(/\n/g, ' ');
    return this.trunc && [...d].length > 45 ? `${[...d].slice(0, 44).join('')}…` : d;
  }
  get StarCount(): string { return String(this.r.star_count); }
  get IsOfficial(): string { return this.r.is_official ? '[OK]' : ''; }
  get IsAutomated(): string { return this.r.is_automated ? '[OK]' : ''; }
}

const HEADERS = { Name: 'NAME', Description: 'DESCRIPTION', StarCount: 'STARS', IsOfficial: 'OFFICIAL', IsAutomated: 'AUTOMATED' };

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const client = await ctx.client();
  const filters = filtersOf(flags);
  const limit = flags.limit !== undefined ? Number(flags.limit) : undefined;
  const results = await client.imageSearch(args[0]!, limit, filters, await registryAuthFor(ctx.env, args[0]!));
  let format = flags.format as string | undefined;
  if (!format || format === 'table') format = 'table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}\t{{.IsAutomated}}';
  writeTable(ctx, format, results.map((r) => new SearchContext(r, flags['no-trunc'] !== true)), HEADERS);
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS] TERM',
    short: 'Search the Docker Hub for images',
    flags: [
      FILTER_FLAG,
      { name: 'format', type: 'string', usage: 'Pretty-print search using a Go template' },
      { name: 'limit', type: 'int', usage: 'Max number of search results', defaultText: '25' },
      { name: 'no-trunc', type: 'bool', usage: "Don't truncate output" },
    ],
    args: { kind: 'exact', n: 1 },
  },
  run,
};
export default command;

// docker network ls, after formatter.NetworkContext (rows sorted by name in natural order like docker's cli).
import type { NetworkSummary } from '../../../client/index.js';
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { FILTER_FLAG, filtersOf } from '../../filter-opt.js';
import { GO_MARSHALER } from '../../format/index.js';
import { goTimeStringNano, truncateId } from '../../go-text.js';
import { naturalCompare } from '../../prune.js';
import { writeTable } from '../../table-output.js';

const HEADERS = { ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv6: 'IPV6', Internal: 'INTERNAL', Labels: 'LABELS', CreatedAt: 'CREATED AT' };

class NetworkContext {
  readonly [GO_MARSHALER] = true;
  constructor(private readonly n: NetworkSummary, private readonly trunc: boolean) {}
  toJSON(): Record<string, string> {
    const keys = ['CreatedAt', 'Driver', 'ID', 'IPv6', 'Internal', 'Labels', 'Name', 'Scope'] as const;
    return Object.fromEntries(keys.map((k) => [k, this[k]]));
  }
  get ID(): string { return this.trunc ? truncateId(this.n.Id) : this.n.Id; }
  get Name(): string { return this.n.Name; }
  get Driver(): string { return this.n.Driver; }
  get Scope(): string { return this.n.Scope; }
  get IPv6(): string { return String(this.n.EnableIPv6); }
  get Internal(): string { return String(this.n.Internal); }
  get Labels(): string { return Object.entries(this.n.Labels ?? {}).map(([k, v]) => `${k}=${v}`).join(','); }
  /** {{.Label "k"}} */
  Label(name: string): string { return this.n.Labels?.[name] ?? ''; }
  get CreatedAt(): string { return goTimeStringNano(this.n.Created); }
}

/** NewNetworkFormat: -q only changes the table and raw formats; a custom template wins. */
function formatOf(flags: FlagValues): string {
  const format = (flags.format as string | undefined) || 'table';
  const quiet = flags.quiet === true;
  if (format === 'table') return quiet ? '{{.ID}}' : 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}';
  if (format === 'raw') return quiet ? 'network_id: {{.ID}}' : 'network_id: {{.ID}}\nname: {{.Name}}\ndriver: {{.Driver}}\nscope: {{.Scope}}\n';
  return format;
}

async function run(ctx: Ctx, flags: FlagValues): Promise<number> {
  const client = await ctx.client();
  const list = await client.networkList(filtersOf(flags));
  const nets = [...list].sort((a, b) => naturalCompare(a.Name, b.Name));
  writeTable(ctx, formatOf(flags), nets.map((n) => new NetworkContext(n, flags['no-trunc'] !== true)), HEADERS);
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS]',
    short: 'List networks',
    flags: [
      { ...FILTER_FLAG, usage: "Provide filter values (e.g. 'driver=bridge')" },
      { name: 'format', type: 'string', usage: 'Pretty-print networks using a Go template' },
      { name: 'no-trunc', type: 'bool', usage: 'Do not truncate the output' },
      { name: 'quiet', short: 'q', type: 'bool', usage: 'Only display network IDs' },
    ],
    args: { kind: 'none' },
  },
  run,
};
export default command;

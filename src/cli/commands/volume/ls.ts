// docker volume ls, after formatter.VolumeContext (rows sorted by name in natural order like docker's cli).
import type { VolumeSummary } from '../../../client/index.js';
import type { Command, Ctx } from '../../command.js';
import { GO_MARSHALER, humanSize } from '../../format/index.js';
import type { FlagValues } from '../../flags.js';
import { FILTER_FLAG, filtersOf } from '../../filter-opt.js';
import { rawVolumeFormat } from '../../raw-formats.js';
import { writeTable } from '../../table-output.js';

const HEADERS = { Name: 'VOLUME NAME', Driver: 'DRIVER', Scope: 'SCOPE', Mountpoint: 'MOUNTPOINT', Labels: 'LABELS', Links: 'LINKS', Size: 'SIZE' };

export class VolumeContext {
  readonly [GO_MARSHALER] = true;
  constructor(private readonly v: VolumeSummary) {}
  toJSON(): Record<string, string> {
    const keys = ['Driver', 'Labels', 'Links', 'Mountpoint', 'Name', 'Scope', 'Size'] as const;
    return Object.fromEntries(keys.map((k) => [k, this[k]]));
  }
  get Name(): string { return this.v.Name; }
  get Driver(): string { return this.v.Driver; }
  get Scope(): string { return this.v.Scope; }
  get Mountpoint(): string { return this.v.Mountpoint; }
  get Labels(): string { return Object.entries(this.v.Labels ?? {}).map(([k, v]) => `${k}=${v}`).join(','); }
  /** Label "name" (a method in docker's template: {{.Label "k"}}). */
  Label(name: string): string { return this.v.Labels?.[name] ?? ''; }
  get Links(): string { return this.v.UsageData ? String(this.v.UsageData.RefCount) : 'N/A'; }
  // volumeContext.Size: units.HumanSize of whatever UsageData holds (-1, "not computed", prints as "-1B").
  get Size(): string { return this.v.UsageData ? humanSize(this.v.UsageData.Size) : 'N/A'; }
}

/** sortorder.NaturalLess: digit runs compare by value. */
export function naturalLess(a: string, b: string): boolean {
  const re = /(\d+|\D+)/g;
  const pa = a.match(re) ?? [];
  const pb = b.match(re) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      const nx = BigInt(x);
      const ny = BigInt(y);
      if (nx !== ny) return nx < ny;
      return x.length < y.length;
    }
    return x < y;
  }
  return pa.length < pb.length;
}

async function run(ctx: Ctx, flags: FlagValues): Promise<number> {
  const client = await ctx.client();
  const list = await client.volumeList(filtersOf(flags));
  const vols = [...(list.Volumes ?? [])].sort((a, b) => (naturalLess(a.Name, b.Name) ? -1 : naturalLess(b.Name, a.Name) ? 1 : 0));
  let format = flags.format as string | undefined;
  // NewVolumeFormat: -q only changes the table and raw formats; a custom template wins.
  if (!format || format === 'table') format = flags.quiet === true ? '{{.Name}}' : 'table {{.Driver}}\t{{.Name}}';
  else if (format === 'raw') format = rawVolumeFormat(flags.quiet === true);
  writeTable(ctx, format, vols.map((v) => new VolumeContext(v)), HEADERS);
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS]',
    short: 'List volumes',
    flags: [
      { ...FILTER_FLAG, usage: "Provide filter values (e.g. 'dangling=true')" },
      { name: 'format', type: 'string', usage: 'Pretty-print volumes using a Go template' },
      { name: 'quiet', short: 'q', type: 'bool', usage: 'Only display volume names' },
    ],
    args: { kind: 'none' },
  },
  run,
};
export default command;

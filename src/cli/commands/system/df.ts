// docker system df: the summary table of formatter/disk_usage.go (-v lists the images and containers).
import { GO_MARSHALER, GO_TYPE, humanSize } from '../../format/index.js';
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { writeTable } from '../../table-output.js';
import { rawDiskUsageFormat } from '../../raw-formats.js';
import { writeVerbose, writeVerboseTemplate, type DiskUsage } from './df-verbose.js';

interface Du {
  LayersSize?: number;
  Images?: Array<{ Containers: number; Size: number; SharedSize: number; VirtualSize?: number }> | null;
  Containers?: Array<{ State: string; SizeRw?: number }> | null;
  Volumes?: Array<{ UsageData?: { Size: number; RefCount: number } | null }> | null;
  BuildCache?: Array<{ InUse: boolean; Shared: boolean; Size: number }> | null;
  BuilderSize?: number;
}

function withPercent(reclaimable: number, total: number): string {
  return total > 0 ? `${humanSize(reclaimable)} (${Math.trunc((reclaimable * 100) / total)}%)` : humanSize(reclaimable);
}

export function dfRows(du: Du): Array<Record<string, string>> {
  const images = du.Images ?? [];
  const total = du.LayersSize ?? 0;
  let used = 0;
  for (const i of images) if (i.Containers !== 0 && (i.VirtualSize ?? i.Size) !== -1 && i.SharedSize !== -1) used += (i.VirtualSize ?? i.Size) - i.SharedSize;
  const containers = du.Containers ?? [];
  const active = (s: string) => /running|paused|restarting/.test(s);
  const cSize = containers.reduce((a, c) => a + (c.SizeRw ?? 0), 0);
  const cRecl = containers.filter((c) => !active(c.State)).reduce((a, c) => a + (c.SizeRw ?? 0), 0);
  const vols = du.Volumes ?? [];
  const vSize = vols.reduce((a, v) => a + ((v.UsageData?.Size ?? -1) !== -1 ? v.UsageData!.Size : 0), 0);
  const vRecl = vols.filter((v) => (v.UsageData?.RefCount ?? 0) === 0).reduce((a, v) => a + ((v.UsageData?.Size ?? -1) !== -1 ? v.UsageData!.Size : 0), 0);
  const bc = du.BuildCache ?? [];
  const inUse = bc.filter((b) => b.InUse && !b.Shared).reduce((a, b) => a + b.Size, 0);
  const builder = du.BuilderSize ?? 0;
  // formatter's MarshalJSON sorts the keys ({{json .}}).
  // Each row is a Go struct of its own type (a field it lacks is a template error) with a MarshalJSON.
  const types = ['*formatter.diskUsageImagesContext', '*formatter.diskUsageContainersContext', '*formatter.diskUsageVolumesContext', '*formatter.diskUsageBuilderContext'];
  const sorted = (r: Record<string, string>, i: number) => {
    const fields = Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k]!]));
    return Object.assign(Object.create({ toJSON: () => fields }) as object, { [GO_TYPE]: types[i], [GO_MARSHALER]: true }, fields);
  };
  return [
    { Type: 'Images', TotalCount: String(images.length), Active: String(images.filter((i) => i.Containers > 0).length), Size: humanSize(total), Reclaimable: withPercent(total - used, total) },
    { Type: 'Containers', TotalCount: String(containers.length), Active: String(containers.filter((c) => active(c.State)).length), Size: humanSize(cSize), Reclaimable: withPercent(cRecl, cSize) },
    { Type: 'Local Volumes', TotalCount: String(vols.length), Active: String(vols.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length), Size: humanSize(vSize), Reclaimable: withPercent(vRecl, vSize) },
    { Type: 'Build Cache', TotalCount: String(bc.length), Active: String(bc.filter((b) => b.InUse).length), Size: humanSize(builder), Reclaimable: humanSize(builder - inUse) },
  ].map(sorted);
}

async function run(ctx: Ctx, flags: FlagValues): Promise<number> {
  const client = await ctx.client();
  const du = await client.df() as Du;
  const given = (flags.format as string | undefined) || 'table';
  if (flags.verbose === true) {
    if (given === 'table') writeVerbose(ctx, du as DiskUsage);
    else writeVerboseTemplate(ctx, given === 'raw' ? rawDiskUsageFormat(true) : given, du as DiskUsage);
    return 0;
  }
  const format = given === 'table' ? 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}' : given === 'raw' ? rawDiskUsageFormat(false) : given;
  writeTable(ctx, format, dfRows(du), { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' });
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS]',
    short: 'Show docker disk usage',
    flags: [
      { name: 'format', type: 'string', usage: 'Pretty-print images using a Go template' },
      { name: 'verbose', short: 'v', type: 'bool', usage: 'Show detailed information on space usage' },
    ],
    args: { kind: 'none' },
  },
  run,
};
export default command;

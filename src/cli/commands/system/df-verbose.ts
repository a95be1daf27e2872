// docker system df -v: formatter.DiskUsageContext's verboseWriteTable, four sections with their own tables.
import type { ContainerSummary, ImageSummary, VolumeSummary } from '../../../client/index.js';
import { compileTemplate, GO_TYPE, humanSizeWithPrecision, prepareFormat } from '../../format/index.js';
import type { Ctx } from '../../command.js';
import { writeTable } from '../../table-output.js';
import { CONTAINER_HEADERS, ContainerContext } from '../container/container-context.js';
import { HEADERS as IMAGE_HEADERS, ImageContext } from '../image/ls.js';
import { parseRef, familiarName } from '../../image-ref.js';
import { VolumeContext } from '../volume/ls.js';

type Volume = VolumeSummary;

export interface DiskUsage {
  Images?: ImageSummary[] | null;
  Containers?: ContainerSummary[] | null;
  Volumes?: Volume[] | null;
  BuilderSize?: number;
}

const IMAGES = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.VirtualSize}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}';
const CONTAINERS = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}';
const VOLUMES = 'table {{.Name}}\t{{.Links}}\t{{.Size}}';
const BUILD_CACHE = 'table {{.ID}}\t{{.CacheType}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t{{.UsageCount}}\t{{.Shared}}';

/** Only an image's first tag is shown; an untagged (or dangling) one is <none> <none>; no digest. */
function imageRow(i: ImageSummary, trunc: boolean, now: number): ImageContext {
  let repo = '<none>', tag = '<none>';
  const first = (i.RepoTags ?? []).find((t) => t !== '<none>:<none>');
  if (first) { try { const r = parseRef(first); if (r.tag) { repo = familiarName(r.name); tag = r.tag; } } catch { /* skipped as docker does */ } }
  return new ImageContext(i, repo, tag, '', trunc, now);
}

/**
 * DiskUsageContext.verboseWrite with a format other than "table": the template runs ONCE over the four lists
 * (a *formatter.diskUsageContext, full IDs unless the format starts with "table"), and nothing is added after
 * it, not even a newline; only a parse error gets
 * the "template parsing error: " prefix.
 */
export function writeVerboseTemplate(ctx: Ctx, format: string, du: DiskUsage): void {
  const now = Date.now();
  const { table: trunc, text } = prepareFormat(format);
  const duc = {
    [GO_TYPE]: '*formatter.diskUsageContext',
    Images: (du.Images ?? []).map((i) => imageRow(i, trunc, now)),
    Containers: (du.Containers ?? []).map((c) => new ContainerContext({ ...c, SizeRootFs: 0 }, trunc, now)),
    Volumes: (du.Volumes ?? []).map((v) => new VolumeContext(v)),
    BuildCache: [] as unknown[],
  };
  let tmpl;
  try { tmpl = compileTemplate(text); } catch (err) { throw new Error(`template parsing error: ${(err as Error).message}`); }
  ctx.io.out(tmpl.execute(duc));
}

export function writeVerbose(ctx: Ctx, du: DiskUsage): void {
  const now = Date.now();
  ctx.io.out('Images space usage:\n\n');
  writeTable(ctx, IMAGES, (du.Images ?? []).map((i) => imageRow(i, true, now)), { ...IMAGE_HEADERS, VirtualSize: 'SIZE' });
  ctx.io.out('\nContainers space usage:\n\n');
  // "Don't display the virtual size": the size column is the writable layer's alone.
  writeTable(ctx, CONTAINERS, (du.Containers ?? []).map((c) => new ContainerContext({ ...c, SizeRootFs: 0 }, true, now)), CONTAINER_HEADERS);
  ctx.io.out('\nLocal Volumes space usage:\n\n');
  const vols = (du.Volumes ?? []).map((v) => ({
    Name: v.Name,
    Links: v.UsageData && v.UsageData.RefCount !== -1 ? String(v.UsageData.RefCount) : 'N/A',
    Size: v.UsageData && v.UsageData.Size !== -1 ? humanSizeWithPrecision(v.UsageData.Size, 4) : 'N/A',
  }));
  writeTable(ctx, VOLUMES, vols, { Name: 'VOLUME NAME', Links: 'LINKS', Size: 'SIZE' });
  ctx.io.out(`\nBuild cache usage: ${humanSizeWithPrecision(du.BuilderSize ?? 0, 4)}\n\n`);
  writeTable(ctx, BUILD_CACHE, [], { ID: 'CACHE ID', CacheType: 'CACHE TYPE', Size: 'SIZE', CreatedSince: 'CREATED', LastUsedSince: 'LAST USED', UsageCount: 'USAGE', Shared: 'SHARED' });
}

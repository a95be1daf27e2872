// The Engine API's image JSON: ImageSummary (GET /images/json), ImageInspect (GET /images/{name}/json) and
// HistoryResponseItem (GET /images/{name}/history), shaped like Docker 20.10's output for the same image.
import type { GraphDriverInfo } from '../snapshots/index.js';
import { goContainerConfig } from './go-json.js';
import type { ImageRecord } from './types.js';

const ZERO_TIME = '0001-01-01T00:00:00Z';
const unix = (t: string | undefined): number => (t ? Math.floor(Date.parse(t) / 1000) : 0);

export interface Names { repoTags: string[]; repoDigests: string[] }

export function summaryView(rec: ImageRecord, names: Names): Record<string, unknown> {
  return {
    Containers: -1,
    Created: unix(rec.config.created),
    Id: rec.id,
    Labels: (rec.config.config?.Labels as Record<string, string> | undefined) ?? null,
    ParentId: rec.meta.parent ?? '',
    // Docker 20.10 lists an untagged image as <none>:<none> / <none>@<none>.
    RepoDigests: names.repoDigests.length ? names.repoDigests : names.repoTags.length ? null : ['<none>@<none>'],
    RepoTags: names.repoTags.length ? names.repoTags : ['<none>:<none>'],
    SharedSize: -1,
    Size: rec.size,
    VirtualSize: rec.size,
  };
}

export function inspectView(rec: ImageRecord, names: Names, graphDriver: GraphDriverInfo): Record<string, unknown> {
  const c = rec.config;
  const out: Record<string, unknown> = {
    Id: rec.id,
    RepoTags: names.repoTags,
    RepoDigests: names.repoDigests,
    Parent: rec.meta.parent ?? '',
    Comment: c.comment ?? '',
    Created: c.created ?? ZERO_TIME,
    Container: c.container ?? '',
    ContainerConfig: goContainerConfig(c.container_config),
    DockerVersion: c.docker_version ?? '',
    Author: c.author ?? '',
    Config: c.config ? goContainerConfig(c.config) : null,
    Architecture: c.architecture ?? '',
  };
  if (c.variant) out.Variant = c.variant;
  Object.assign(out, {
    Os: c.os ?? '',
    Size: rec.size,
    VirtualSize: rec.size,
    GraphDriver: { Data: graphDriver.Data, Name: graphDriver.Name },
    RootFS: { Type: c.rootfs?.type ?? 'layers', Layers: rec.diffIds },
    Metadata: { LastTagTime: rec.meta.lastTagTime ?? ZERO_TIME },
  });
  return out;
}

/**
 * Newest first, as Docker's ImageHistory: the entries take the IDs and tags of the image and then of its local
 * parents in turn (one per instruction of a classic build); past the last known parent they are "<missing>".
 */
export function historyView(rec: ImageRecord, chain: Array<{ id: string; tags: string[] }>, layerSizes: number[]): Array<Record<string, unknown>> {
  const history = rec.config.history?.length ? rec.config.history : rec.diffIds.map(() => ({ created: rec.config.created }));
  const out: Array<Record<string, unknown>> = [];
  let layer = 0;
  for (const h of history) {
    const size = 'empty_layer' in h && h.empty_layer ? 0 : (layerSizes[layer++] ?? 0);
    out.push({ Comment: (h as { comment?: string }).comment ?? '', Created: unix(h.created), CreatedBy: (h as { created_by?: string }).created_by ?? '', Id: '<missing>', Size: size, Tags: null });
  }
  out.reverse();
  chain.forEach((c, i) => { if (out[i]) Object.assign(out[i]!, { Id: c.id, Tags: c.tags.length ? c.tags : null }); });
  return out;
}

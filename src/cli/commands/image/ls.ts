// docker images / image ls, after formatter.ImageContext and imageFormatTaggedAndDigest.
import type { ImageSummary } from '../../../client/index.js';
import { GO_MARSHALER, humanDuration, humanSizeWithPrecision } from '../../format/index.js';
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { FILTER_FLAG, filtersOf } from '../../filter-opt.js';
import { goTimeString, truncateId } from '../../go-text.js';
import { familiarName, parseRef } from '../../image-ref.js';
import { rawImageFormat } from '../../raw-formats.js';
import { writeTable } from '../../table-output.js';

export const HEADERS = { ID: 'IMAGE ID', Repository: 'REPOSITORY', Tag: 'TAG', Digest: 'DIGEST', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', Size: 'SIZE', Containers: 'CONTAINERS', VirtualSize: 'VIRTUAL SIZE', SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE' };

export class ImageContext {
  readonly [GO_MARSHALER] = true;
  constructor(private readonly i: ImageSummary, readonly Repository: string, readonly Tag: string, readonly Digest: string, private readonly trunc: boolean, private readonly now: number) {}
  /** formatter's MarshalJSON: every field method, keys sorted, for {{json .}}. */
  toJSON(): Record<string, string> {
    const keys = ['Containers', 'CreatedAt', 'CreatedSince', 'Digest', 'ID', 'Repository', 'SharedSize', 'Size', 'Tag', 'UniqueSize', 'VirtualSize'] as const;
    return Object.fromEntries(keys.map((k) => [k, this[k]]));
  }
  get ID(): string { return this.trunc ? truncateId(this.i.Id) : this.i.Id; }
  get CreatedSince(): string { return `${humanDuration(this.now - this.i.Created * 1000)} ago`; }
  get CreatedAt(): string { return goTimeString(this.i.Created); }
  get Size(): string { return humanSizeWithPrecision(this.i.Size, 3); }
  get Containers(): string { return this.i.Containers === -1 ? 'N/A' : String(this.i.Containers); }
  // docker/cli's imageContext: units.HumanSize (4 digits) here, where Size uses 3 ("1.984MB" beside "1.98MB").
  get VirtualSize(): string { return humanSizeWithPrecision(this.i.VirtualSize ?? this.i.Size, 4); }
  get SharedSize(): string { return this.i.SharedSize === -1 ? 'N/A' : humanSizeWithPrecision(this.i.SharedSize, 4); }
  get UniqueSize(): string {
    const virtual = this.i.VirtualSize ?? this.i.Size;
    return virtual === -1 || this.i.SharedSize === -1 ? 'N/A' : humanSizeWithPrecision(virtual - this.i.SharedSize, 4);
  }
}

function isDangling(i: ImageSummary): boolean {
  const tags = i.RepoTags ?? [];
  const digests = i.RepoDigests ?? [];
  return (tags.length === 0 && digests.length === 0) || (tags.length === 1 && tags[0] === '<none>:<none>' && digests.length === 1 && digests[0] === '<none>@<none>');
}

function rowsFor(i: ImageSummary, digest: boolean, trunc: boolean, now: number): ImageContext[] {
  const mk = (repo: string, tag: string, dg: string) => new ImageContext(i, repo, tag, dg, trunc, now);
  if (isDangling(i)) return [mk('<none>', '<none>', '<none>')];
  const repoTags = new Map<string, string[]>();
  const repoDigests = new Map<string, string[]>();
  for (const s of i.RepoTags ?? []) {
    try { const r = parseRef(s); if (r.tag) { const n = familiarName(r.name); repoTags.set(n, [...(repoTags.get(n) ?? []), r.tag]); } } catch { /* skip */ }
  }
  for (const s of i.RepoDigests ?? []) {
    try { const r = parseRef(s); if (r.digest) { const n = familiarName(r.name); repoDigests.set(n, [...(repoDigests.get(n) ?? []), r.digest]); } } catch { /* skip */ }
  }
  const out: ImageContext[] = [];
  for (const [repo, tags] of repoTags) {
    const digests = digest ? repoDigests.get(repo) ?? [] : [];
    repoDigests.delete(repo);
    for (const tag of tags) {
      if (digests.length === 0) out.push(mk(repo, tag, '<none>'));
      else for (const d of digests) out.push(mk(repo, tag, d));
    }
  }
  for (const [repo, digests] of repoDigests) {
    if (digest) for (const d of digests) out.push(mk(repo, '<none>', d));
    else out.push(mk(repo, '<none>', ''));
  }
  return out;
}

function imageFormat(format: string | undefined, quiet: boolean, digest: boolean): string {
  if (format === undefined || format === '' || format === 'table') {
    if (quiet) return '{{.ID}}';
    return digest ? 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}' : 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
  }
  if (format === 'raw') return rawImageFormat(quiet, digest);
  return format;
}

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const filters = filtersOf(flags) ?? {};
  if (args[0]) filters.reference = [...(filters.reference ?? []), args[0]];
  const client = await ctx.client();
  const images = await client.imageList({ all: flags.all === true, filters: Object.keys(filters).length ? filters : undefined });
  const digest = flags.digests === true;
  const now = Date.now();
  // formatter's needDigest: a format naming {{.Digest}} gets the digest rows as --digests does.
  const rowDigests = digest || ((flags.format as string | undefined) ?? '').includes('{{.Digest}}');
  const rows = images.flatMap((i) => rowsFor(i, rowDigests, flags['no-trunc'] !== true, now));
  writeTable(ctx, imageFormat(flags.format as string | undefined, flags.quiet === true, digest), rows, HEADERS);
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS] [REPOSITORY[:TAG]]',
    short: 'List images',
    flags: [
      { name: 'all', short: 'a', type: 'bool', usage: 'Show all images (default hides intermediate images)' },
      { name: 'digests', type: 'bool', usage: 'Show digests' },
      FILTER_FLAG,
      { name: 'format', type: 'string', usage: 'Pretty-print images using a Go template' },
      { name: 'no-trunc', type: 'bool', usage: "Don't truncate output" },
      { name: 'quiet', short: 'q', type: 'bool', usage: 'Only show image IDs' },
    ],
    args: { kind: 'max', n: 1 },
  },
  run,
};
export default command;

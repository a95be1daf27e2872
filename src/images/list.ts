// GET /images/json: Docker's ordering (newest first), -a (intermediate images), and its filters
// (dangling, reference with path globs, label, before, since), with its error texts.
import { InvalidParameter } from '../errors.js';
import type { ImageRecord } from './types.js';

export type ImageFilters = Record<string, string[]>;

const KNOWN = ['dangling', 'label', 'before', 'since', 'reference'];

/** Go's path.Match for reference filters: `*` and `?` never cross "/", `[...]` classes. */
export function globMatch(pattern: string, text: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) throw new InvalidParameter('syntax error in pattern');
      re += `[${pattern.slice(i + 1, end).replace(/^\^/, '^').replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`${re}$`).test(text);
}

function labelMatch(labels: Record<string, string>, spec: string): boolean {
  const i = spec.indexOf('=');
  return i < 0 ? spec in labels : labels[spec.slice(0, i)] === spec.slice(i + 1);
}

export interface ImageListDeps {
  /** Familiar tags of an image ("busybox:latest"). */
  tags(id: string): string[];
  /** Resolves before=/since= references. */
  resolve(ref: string): ImageRecord;
}

export function filterImages(all: ImageRecord[], opts: { all: boolean; filters: ImageFilters }, deps: ImageListDeps): ImageRecord[] {
  const f = opts.filters;
  for (const k of Object.keys(f)) if (!KNOWN.includes(k)) throw new InvalidParameter(`Invalid filter '${k}'`);
  // dockerd's images list: dangling=true if any value says true, else it must say false (1 and 0 are refused).
  const dangling = f.dangling?.length ? f.dangling.includes('true') : undefined;
  if (dangling === false && !f.dangling!.includes('false')) throw new InvalidParameter(`Invalid filter 'dangling=[${[...new Set(f.dangling)].sort().join(' ')}]'`);
  const before = f.before?.length ? deps.resolve(f.before[0]!) : undefined;
  const since = f.since?.length ? deps.resolve(f.since[0]!) : undefined;
  const created = (r: ImageRecord) => r.config.created ?? '';
  const parents = new Set(all.map((r) => r.meta.parent).filter(Boolean));
  return all
    .filter((r) => {
      const tags = deps.tags(r.id);
      // Without -a, untagged images that are parents of others (intermediate build images) are hidden.
      // dockerd: even with dangling=true, an untagged image with children shows only with -a.
      if (!opts.all && !tags.length && parents.has(r.id)) return false;
      if (dangling === true && tags.length) return false;
      if (dangling === false && !tags.length) return false;
      if (f.label?.length && !f.label.every((l) => labelMatch((r.config.config?.Labels as Record<string, string>) ?? {}, l))) return false;
      if (before && !(created(r) < created(before))) return false;
      if (since && !(created(r) > created(since))) return false;
      if (f.reference?.length && !matchingRefs(tags, f.reference).length) return false;
      return true;
    })
    .sort((a, b) => (created(a) < created(b) ? 1 : created(a) > created(b) ? -1 : 0));
}

/**
 * The references among `refs` ("busybox:latest", "app@sha256:...") a reference filter's patterns match, by the
 * whole reference or its name (reference.FamiliarMatch); dockerd lists only these in a filtered image's
 * RepoTags and RepoDigests.
 */
export function matchingRefs(refs: string[], patterns: string[]): string[] {
  return refs.filter((r) => {
    const at = r.indexOf('@');
    const name = at >= 0 ? r.slice(0, at) : r.slice(0, r.lastIndexOf(':') > r.lastIndexOf('/') ? r.lastIndexOf(':') : r.length);
    return patterns.some((p) => globMatch(p, r) || globMatch(p, name));
  });
}

// Just enough of distribution/reference for the CLI: validate a reference the way docker does before
// talking to the daemon, and print it in its familiar form ("busybox:latest", "myrepo/app:1").

export interface ImageRef { name: string; tag?: string; digest?: string }

const NAME_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** reference.ParseNormalizedNamed: throws Error("invalid reference format[: ...]"). */
export function parseRef(s: string): ImageRef {
  let rest = s;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) { digest = rest.slice(at + 1); rest = rest.slice(0, at); }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) { tag = rest.slice(colon + 1); rest = rest.slice(0, colon); }
  if (rest === '' || (tag !== undefined && !/^[\w][\w.-]{0,127}$/.test(tag))) throw new Error('invalid reference format');
  if (digest !== undefined && !/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/.test(digest)) throw new Error('invalid reference format');
  const parts = rest.split('/');
  const hasDomain = parts.length > 1 && (parts[0]!.includes('.') || parts[0]!.includes(':') || parts[0] === 'localhost');
  const path = hasDomain ? parts.slice(1) : parts;
  for (const p of path) {
    if (!NAME_COMPONENT.test(p)) {
      if (NAME_COMPONENT.test(p.toLowerCase())) throw new Error('invalid reference format: repository name must be lowercase');
      throw new Error('invalid reference format');
    }
  }
  return { name: rest, tag, digest };
}

/** reference.ParseNormalizedNamed(...).String(): "docker.io/library/busybox:latest". */
export function fullReference(name: string, tag?: string, digest?: string): string {
  const parts = name.split('/');
  const hasDomain = parts.length > 1 && (parts[0]!.includes('.') || parts[0]!.includes(':') || parts[0] === 'localhost');
  const full = hasDomain ? name : parts.length === 1 ? `docker.io/library/${name}` : `docker.io/${name}`;
  return `${full}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

/** reference.FamiliarName: drops docker.io/ and library/. */
export function familiarName(name: string): string {
  let n = name.replace(/^(docker\.io|index\.docker\.io)\//, '');
  if (n !== name && n.startsWith('library/') && n.split('/').length === 2) n = n.slice('library/'.length);
  return n;
}

/** FamiliarString(TagNameOnly(ref)): "busybox" -> "busybox:latest". */
export function familiarWithTag(s: string): string {
  const r = parseRef(s);
  const tag = r.tag ?? (r.digest ? undefined : 'latest');
  return `${familiarName(r.name)}${tag ? `:${tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}

/** A 64-hex image ID (possibly with sha256:) is not a reference to pull. */
export function isImageId(s: string): boolean { return /^(sha256:)?[a-f0-9]{64}$/.test(s); }

// Fetching manifests: content negotiation for Docker schema 2 and OCI, digest verification, and following
// an index or manifest list to one platform's manifest.
import { createHash } from 'node:crypto';
import { InvalidParameter, NotFound, NotImplemented, Unauthorized } from '../errors.js';
import { errorFrom, readBody, RegistryError } from './http.js';
import { formatPlatform, selectManifest } from './platform.js';
import type { RegistrySession } from './session.js';
import { CONFIG_TYPES, LAYER_TYPES, MANIFEST_ACCEPT, MT, type Descriptor, type ImageIndex, type ImageManifest, type Platform } from './types.js';

export interface FetchedManifest {
  /** Digest of the manifest the reference names (the index's digest for a multi-platform image). */
  digest: string;
  manifest: ImageManifest;
  /** The platform-specific manifest's own digest. */
  manifestDigest: string;
}

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Docker's translatePullError for the registry's error codes. */
export function pullError(err: unknown, familiar: string, familiarName: string): unknown {
  if (!(err instanceof RegistryError)) return err;
  const code = err.codes[0];
  const cause = err.status === 401 ? 'denied: requested access to the resource is denied' : err.message.split(', ')[0]!;
  if (code === 'MANIFEST_UNKNOWN') return new NotFound(`manifest for ${familiar} not found: ${cause}`);
  if (code === 'NAME_UNKNOWN') return new NotFound(`repository ${familiarName} not found: ${cause}`);
  if (code === 'DENIED' || code === 'UNAUTHORIZED' || err.status === 401) return new NotFound(`pull access denied for ${familiarName}, repository does not exist or may require 'docker login': ${cause}`);
  return err;
}

/** The manifest a reference names, unresolved (an index stays an index). */
export async function fetchTop(s: RegistrySession, repoPath: string, ref: string, signal?: AbortSignal): Promise<{ body: Buffer; mediaType: string; digest: string }> {
  return getManifest(s, repoPath, ref, signal);
}

export async function fetchConfigPlatform(s: RegistrySession, repoPath: string, desc: Descriptor, signal?: AbortSignal): Promise<Platform> {
  const c = JSON.parse((await fetchConfig(s, repoPath, desc, signal)).toString('utf8')) as Platform;
  const p: Platform = { architecture: c.architecture, os: c.os };
  if (c.variant) p.variant = c.variant;
  return p;
}

async function getManifest(s: RegistrySession, repoPath: string, ref: string, signal?: AbortSignal): Promise<{ body: Buffer; mediaType: string; digest: string }> {
  let res;
  try {
    res = await s.request({ method: 'GET', path: `/v2/${repoPath}/manifests/${ref}`, headers: { Accept: MANIFEST_ACCEPT.join(', ') }, signal });
  } catch (err) {
    // dockerd resolves a reference with HEAD first, and its errors name that request.
    if (err instanceof Unauthorized) throw new Unauthorized(err.message.replace(/^Get "/, 'Head "'), { cause: err });
    throw err;
  }
  if ((res.statusCode ?? 0) >= 400) throw await errorFrom(res);
  const body = await readBody(res, 8 << 20);
  const digest = sha256(body);
  if (ref.startsWith('sha256:') && digest !== ref) throw new InvalidParameter(`manifest verification failed for digest ${ref}`);
  let mediaType = String(res.headers['content-type'] ?? '').split(';')[0]!.trim();
  const parsed = JSON.parse(body.toString('utf8')) as { mediaType?: string; schemaVersion?: number; manifests?: unknown };
  if (parsed.mediaType) mediaType = parsed.mediaType;
  else if (!MANIFEST_ACCEPT.includes(mediaType as never) && parsed.schemaVersion === 2) mediaType = parsed.manifests ? MT.ociIndex : MT.ociManifest;
  return { body, mediaType, digest };
}

export async function fetchManifest(s: RegistrySession, repoPath: string, ref: string, platform: Platform, explicit: boolean, signal?: AbortSignal): Promise<FetchedManifest> {
  const top = await getManifest(s, repoPath, ref, signal);
  let m = top;
  if (top.mediaType === MT.ociIndex || top.mediaType === MT.dockerList) {
    const index = JSON.parse(top.body.toString('utf8')) as ImageIndex;
    const pick = selectManifest(index.manifests ?? [], platform);
    if (!pick) throw new NotFound(`no matching manifest for ${formatPlatform(platform)} in the manifest list entries`);
    m = await getManifest(s, repoPath, pick.digest, signal);
    if (m.digest !== pick.digest) throw new InvalidParameter(`manifest verification failed for digest ${pick.digest}`);
  } else if (top.mediaType === MT.dockerSchema1 || top.mediaType === MT.dockerSchema1Signed) {
    throw new NotImplemented('schema 1 manifests are not supported: push the image again with a current client');
  }
  if (m.mediaType !== MT.dockerManifest && m.mediaType !== MT.ociManifest) {
    throw new InvalidParameter(`unsupported manifest media type and no default available: ${m.mediaType}`);
  }
  const manifest = JSON.parse(m.body.toString('utf8')) as ImageManifest;
  validate(manifest);
  void explicit;
  return { digest: top.digest, manifest, manifestDigest: m.digest };
}

function validate(m: ImageManifest): void {
  const check = (d: Descriptor | undefined, kinds: Set<string>, what: string) => {
    if (!d || typeof d.digest !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(d.digest) || typeof d.size !== 'number' || d.size < 0) {
      throw new InvalidParameter(`invalid manifest: bad ${what} descriptor`);
    }
    if (d.mediaType !== undefined && !kinds.has(d.mediaType)) throw new InvalidParameter(`unsupported media type ${d.mediaType} for ${what}`);
  };
  check(m.config, CONFIG_TYPES, 'config');
  if (!Array.isArray(m.layers)) throw new InvalidParameter('invalid manifest: no layers');
  for (const l of m.layers) check(l, LAYER_TYPES, 'layer');
}

export async function fetchConfig(s: RegistrySession, repoPath: string, desc: Descriptor, signal?: AbortSignal): Promise<Buffer> {
  const res = await s.request({ method: 'GET', path: `/v2/${repoPath}/blobs/${desc.digest}`, signal });
  if ((res.statusCode ?? 0) >= 400) throw await errorFrom(res);
  const body = await readBody(res, 64 << 20);
  if (sha256(body) !== desc.digest) throw new InvalidParameter(`error pulling image configuration: image config verification failed for digest ${desc.digest}`);
  return body;
}

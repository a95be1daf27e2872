// The registry half of the API Backend: POST /images/create?fromImage, POST /images/{name}/push, POST /auth,
// GET /distribution/{name}/json and GET /images/search, translated to RegistryService calls.
import type { ImageBackend, JsonObject, RegistryAuth, SystemBackend } from '../api/index.js';
import { InvalidParameter } from '../errors.js';
import { parseReference, withDefaultTag, type Reference } from '../images/index.js';
import { parsePlatform, type AuthConfig, type RegistryService } from '../registry/index.js';

type RegistryMethods = Pick<ImageBackend, 'pullImage' | 'pushImage'> & Required<Pick<SystemBackend, 'auth' | 'distributionInspect' | 'searchImages'>>;

export function toAuthConfig(a: RegistryAuth | undefined): AuthConfig | undefined {
  if (!a) return undefined;
  const out: AuthConfig = {};
  if (a.username) out.username = a.username;
  if (a.password) out.password = a.password;
  if (a.auth) out.auth = a.auth;
  if (a.identitytoken) out.identitytoken = a.identitytoken;
  if (a.registrytoken) out.registrytoken = a.registrytoken;
  if (a.serveraddress) out.serveraddress = a.serveraddress;
  return Object.keys(out).length ? out : undefined;
}

/** dockerd's postImagesCreate: `tag` may be a tag or a digest; no tag at all means every tag. */
export function pullReference(fromImage: string, tag: string | undefined): { ref: Reference; allTags: boolean } {
  const parsed = parseReference(fromImage);
  if (tag === undefined || tag === '') return { ref: parsed, allTags: parsed.tag === undefined && parsed.digest === undefined };
  if (/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(tag)) {
    if (!/^sha256:[a-f0-9]{64}$/.test(tag)) throw new InvalidParameter(`invalid digest format`);
    return { ref: { name: parsed.name, digest: tag }, allTags: false };
  }
  if (!/^[\w][\w.-]{0,127}$/.test(tag)) throw new InvalidParameter('invalid reference format');
  return { ref: { name: parsed.name, tag }, allTags: false };
}

export function registryBackend(registry: RegistryService): RegistryMethods {
  return {
    async pullImage(opts, ctx) {
      const { ref, allTags } = pullReference(opts.fromImage, opts.tag);
      const platform = opts.platform ? parsePlatform(opts.platform) : undefined;
      return registry.pull({ ref, allTags, platform, auth: toAuthConfig(opts.auth), signal: ctx.signal });
    },
    async pushImage(name, opts, ctx) {
      const parsed = parseReference(name);
      if (parsed.digest !== undefined) throw new InvalidParameter('cannot push a digest reference');
      const tag = opts.tag ?? parsed.tag;
      if (tag !== undefined && !/^[\w][\w.-]{0,127}$/.test(tag)) throw new InvalidParameter('invalid reference format');
      const ref: Reference = tag !== undefined ? { name: parsed.name, tag } : { name: parsed.name };
      return registry.push({ ref, auth: toAuthConfig(opts.auth), signal: ctx.signal });
    },
    async auth(body, ctx) {
      const a = toAuthConfig(body as RegistryAuth) ?? {};
      return await registry.login(a, ctx.signal) as unknown as JsonObject;
    },
    async distributionInspect(name, auth, ctx) {
      const ref = withDefaultTag(parseReference(name));
      return await registry.inspect(ref.name, ref.digest ?? ref.tag!, toAuthConfig(auth), ctx.signal) as unknown as JsonObject;
    },
    async searchImages(opts, auth, ctx) {
      const results = await registry.search(opts.term, opts.limit, toAuthConfig(auth), ctx.signal);
      const f = opts.filters;
      const stars = f['stars']?.[0] !== undefined ? Number(f['stars'][0]) : 0;
      return results.filter((r) => r.star_count >= stars
        && (f['is-official']?.[0] === undefined || String(r.is_official) === f['is-official'][0])
        && (f['is-automated']?.[0] === undefined || String(r.is_automated) === f['is-automated'][0])) as unknown as JsonObject[];
    },
  };
}

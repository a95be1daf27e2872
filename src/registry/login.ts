// POST /auth: prove credentials against a registry the way dockerd's loginV2 does (ping /v2/, then the
// challenge's scheme: basic -> GET /v2/ with the credentials, bearer -> a token with no scope), and search
// and distribution inspect, the other registry calls that are not pull or push.
import { InvalidParameter, NotFound, Unauthorized } from '../errors.js';
import { errorFrom, readBody, sendWithRetry } from './http.js';
import { DOCKER_HUB, type RegistryHosts } from './hosts.js';
import { fetchConfigPlatform, fetchTop } from './manifest.js';
import { splitName } from './pull.js';
import { RegistrySession } from './session.js';
import type { AuthConfig, Descriptor, Platform } from './types.js';

/** registry.ConvertToHostname plus Docker Hub's aliases: "https://index.docker.io/v1/" -> docker.io. */
export function registryHost(serverAddress: string | undefined): string {
  if (!serverAddress) return DOCKER_HUB;
  const host = serverAddress.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
  return ['index.docker.io', 'registry-1.docker.io', 'docker.io', 'registry.hub.docker.com'].includes(host) ? DOCKER_HUB : host;
}

export async function login(hosts: RegistryHosts, auth: AuthConfig, signal?: AbortSignal): Promise<{ Status: string; IdentityToken: string }> {
  const domain = registryHost(auth.serveraddress);
  const [s] = await RegistrySession.open(hosts, domain, auth, [], { push: true, signal });
  const a = s!.authorizer;
  if (a.challenge?.scheme === 'basic') {
    const res = await s!.request({ method: 'GET', path: '/v2/', signal }, []);
    res.resume();
    if (res.statusCode !== 200) throw new Unauthorized(`login attempt to ${s!.endpoint.url}/v2/ failed with status: ${res.statusCode} ${res.statusMessage ?? ''}`.trim());
  } else if (a.challenge?.scheme === 'bearer') {
    await a.login(signal, `Get "${s!.endpoint.url}/v2/": `);
  }
  return { Status: 'Login Succeeded', IdentityToken: a.refreshToken ?? '' };
}

/** GET /distribution/{name}/json: the descriptor the reference resolves to and the platforms it offers. */
export async function distributionInspect(hosts: RegistryHosts, name: string, ref: string, auth: AuthConfig | undefined, signal?: AbortSignal): Promise<{ Descriptor: Descriptor; Platforms: Platform[] }> {
  const { domain, path } = splitName(name);
  const [s] = await RegistrySession.open(hosts, domain, auth, [`repository:${path}:pull`], { signal });
  const top = await fetchTop(s!, path, ref, signal);
  const desc: Descriptor = { mediaType: top.mediaType, digest: top.digest, size: top.body.length };
  const parsed = JSON.parse(top.body.toString('utf8')) as { manifests?: Descriptor[]; config?: Descriptor };
  let platforms: Platform[] = [];
  if (parsed.manifests) platforms = parsed.manifests.map((m) => m.platform).filter((p): p is Platform => p !== undefined);
  else if (parsed.config) platforms = [await fetchConfigPlatform(s!, path, parsed.config, signal)];
  return { Descriptor: desc, Platforms: platforms };
}

export interface SearchResult { star_count: number; is_official: boolean; name: string; is_automated: boolean; description: string }

/** GET /images/search: the registry's v1 search API (Docker Hub has it; distribution's registry does not). */
export async function search(hosts: RegistryHosts, term: string, limit: number, auth: AuthConfig | undefined, signal?: AbortSignal): Promise<SearchResult[]> {
  if (limit < 1 || limit > 100) throw new InvalidParameter(`Limit ${limit} is outside the range of [1, 100]`);
  let domain = DOCKER_HUB;
  let q = term;
  const i = term.indexOf('/');
  if (i > 0 && /[.:]|^localhost$/.test(term.slice(0, i))) { domain = term.slice(0, i); q = term.slice(i + 1); }
  const ep = hosts.endpoints(domain, true)[0]!;
  const base = domain === DOCKER_HUB ? 'https://index.docker.io' : ep.url;
  const url = `${base}/v1/search?q=${encodeURIComponent(q)}&n=${limit}`;
  const settings = hosts.settings;
  const http = { timeoutMs: settings.timeoutMs, attempts: settings.attempts, retryBaseMs: settings.retryBaseMs };
  const headers: Record<string, string> = {};
  if (auth?.username && auth.password) headers.Authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  let res;
  try {
    res = await sendWithRetry({ method: 'GET', url, headers, tls: ep.tls, signal }, http);
  } catch (err) {
    if (!ep.fallback) throw err;
    res = await sendWithRetry({ method: 'GET', url: url.replace(/^https:/, 'http:'), headers, signal }, http);
  }
  if (res.statusCode !== 200) {
    res.resume();
    // dockerd's wording when a registry has no v1 search (distribution's registry answers 404).
    if (res.statusCode === 404) throw new NotFound(`Unexpected status code 404`);
    throw await errorFrom(res, `Unexpected status code ${res.statusCode}`);
  }
  const j = JSON.parse((await readBody(res)).toString('utf8')) as { results?: SearchResult[] };
  return (j.results ?? []).slice(0, limit);
}

// The typed Engine API v1.41 client: one method per endpoint the CLI and compose use, each a thin call
// through Transport. Bodies and responses keep the API's field names (Config, HostConfig, State...).
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { NotFound, isNotFound } from '../errors.js';
import { hijack, type HijackedConn } from './hijack.js';
import { Transport, readAll, type Query } from './transport.js';
import type {
  ContainerCreateBody, ContainerInspect, ContainerSummary, ExecInspect, ImageHistoryItem, ImageInspect,
  ImageSummary, NetworkSummary, PruneReport, VolumeSummary, WaitResponse,
} from './types.js';

export type Filters = Record<string, string[]>;

/** docker's filters.ToJSON: {"status":{"running":true}} */
export function filtersJson(filters: Filters | undefined): string | undefined {
  if (!filters || Object.keys(filters).length === 0) return undefined;
  const out: Record<string, Record<string, boolean>> = {};
  for (const [k, vs] of Object.entries(filters)) out[k] = Object.fromEntries(vs.map((v) => [v, true]));
  return JSON.stringify(out);
}

const enc = encodeURIComponent;
/** An empty X-Registry-Auth ("{}" in base64), as docker sends when it has no credentials. */
const NO_AUTH = { 'X-Registry-Auth': 'e30=' };
const authHeader = (value: string | undefined): Record<string, string> => (value ? { 'X-Registry-Auth': value } : NO_AUTH);

/**
 * docker's client wraps 404s of remove/inspect as objectNotFoundError: "Error: No such container: <id>"
 * with the name as the user gave it, instead of the daemon's message.
 */
async function wrapNotFound<T>(p: Promise<T>, object: string, id: string): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (isNotFound(err)) throw new NotFound(`Error: No such ${object}: ${id}`, { cause: err });
    throw err;
  }
}

export class Client {
  readonly transport: Transport;
  constructor(hostUrl: string) { this.transport = new Transport(hostUrl); }

  get hostUrl(): string { return this.transport.endpoint.url; }

  // system
  async ping(signal?: AbortSignal): Promise<string> { return this.transport.text({ path: '/_ping', signal }); }
  version(): Promise<Record<string, unknown>> { return this.transport.json({ path: '/version' }); }
  info(): Promise<Record<string, unknown>> { return this.transport.json({ path: '/info' }); }
  df(): Promise<Record<string, unknown>> { return this.transport.json({ path: '/system/df' }); }
  events(query: { since?: string; until?: string; filters?: Filters }): Promise<IncomingMessage> {
    return this.transport.request({ path: '/events', query: { since: query.since, until: query.until, filters: filtersJson(query.filters) } });
  }

  // containers
  containerList(query: { all?: boolean; limit?: number; size?: boolean; filters?: Filters }): Promise<ContainerSummary[]> {
    return this.transport.json({ path: '/containers/json', query: { all: query.all || undefined, limit: query.limit, size: query.size || undefined, filters: filtersJson(query.filters) } });
  }
  containerCreate(body: ContainerCreateBody, name?: string, platform?: string): Promise<{ Id: string; Warnings: string[] | null }> {
    return this.transport.json({ method: 'POST', path: '/containers/create', query: { name: name || undefined, platform: platform || undefined }, body });
  }
  containerInspect(id: string, size = false): Promise<ContainerInspect> {
    return wrapNotFound(this.transport.json({ path: `/containers/${enc(id)}/json`, query: { size: size || undefined } }), 'container', id);
  }
  async containerStart(id: string): Promise<void> { await this.transport.text({ method: 'POST', path: `/containers/${enc(id)}/start` }); }
  async containerStop(id: string, t?: number): Promise<void> { await this.transport.text({ method: 'POST', path: `/containers/${enc(id)}/stop`, query: { t } }); }
  async containerRestart(id: string, t?: number): Promise<void> { await this.transport.text({ method: 'POST', path: `/containers/${enc(id)}/restart`, query: { t } }); }
  async containerKill(id: string, signal?: string): Promise<void> { await this.transport.text({ method: 'POST', path: `/containers/${enc(id)}/kill`, query: { signal } }); }
  async containerPause(id: string): Promise<void> { await this.transport.text({ method: 'POST', path: `/containers/${enc(id)}/pause` }); }
  async containerUnpause(id: string): Promise<void> { await this.transport.text({ method: 'POST', path: `/containers/${enc(id)}/unpause` }); }
  async containerRename(id: string, name: string): Promise<void> { await this.transport.text({ method: 'POST', path: `/containers/${enc(id)}/rename`, query: { name } }); }
  async containerRemove(id: string, opts: { force?: boolean; v?: boolean; link?: boolean }): Promise<void> {
    await wrapNotFound(this.transport.text({ method: 'DELETE', path: `/containers/${enc(id)}`, query: { force: opts.force || undefined, v: opts.v || undefined, link: opts.link || undefined } }), 'container', id);
  }
  containerPrune(filters?: Filters): Promise<PruneReport> { return this.transport.json({ method: 'POST', path: '/containers/prune', query: { filters: filtersJson(filters) } }); }
  containerTop(id: string, psArgs?: string): Promise<{ Titles: string[]; Processes: string[][] }> {
    return this.transport.json({ path: `/containers/${enc(id)}/top`, query: { ps_args: psArgs } });
  }
  containerUpdate(id: string, body: Record<string, unknown>): Promise<{ Warnings: string[] | null }> {
    return this.transport.json({ method: 'POST', path: `/containers/${enc(id)}/update`, body });
  }
  /** GET /containers/{id}/stats: one JSON object per line (one only unless stream). */
  containerStats(id: string, stream: boolean): Promise<IncomingMessage> {
    return this.transport.request({ path: `/containers/${enc(id)}/stats`, query: { stream: stream ? undefined : 'false' } });
  }
  containerLogs(id: string, query: Query): Promise<IncomingMessage> { return this.transport.request({ path: `/containers/${enc(id)}/logs`, query }); }
  /**
   * Starts waiting; resolves once the daemon has registered the wait (response headers), so a later start
   * cannot race past it. The returned promise yields the exit status.
   */
  async containerWait(id: string, condition?: 'not-running' | 'next-exit' | 'removed'): Promise<{ result: Promise<WaitResponse> }> {
    const res = await this.transport.request({ method: 'POST', path: `/containers/${enc(id)}/wait`, query: { condition } });
    const result = readAll(res).then((b) => JSON.parse(b.toString('utf8')) as WaitResponse);
    result.catch(() => undefined);
    return { result };
  }
  containerAttach(id: string, opts: { stdin?: boolean; stdout?: boolean; stderr?: boolean; logs?: boolean; detachKeys?: string }): Promise<HijackedConn> {
    return hijack(this.transport, {
      path: `/containers/${enc(id)}/attach`,
      query: { stream: true, stdin: opts.stdin || undefined, stdout: opts.stdout || undefined, stderr: opts.stderr || undefined, logs: opts.logs || undefined, detachKeys: opts.detachKeys },
    });
  }
  async containerResize(id: string, h: number, w: number): Promise<void> {
    await this.transport.text({ method: 'POST', path: `/containers/${enc(id)}/resize`, query: { h, w } });
  }

  // exec
  execCreate(id: string, body: Record<string, unknown>): Promise<{ Id: string }> {
    return this.transport.json({ method: 'POST', path: `/containers/${enc(id)}/exec`, body });
  }
  execStartAttached(execId: string, body: { Detach: boolean; Tty: boolean }): Promise<HijackedConn> {
    return hijack(this.transport, { path: `/exec/${enc(execId)}/start`, body });
  }
  async execStartDetached(execId: string, body: { Detach: boolean; Tty: boolean }): Promise<void> {
    await this.transport.text({ method: 'POST', path: `/exec/${enc(execId)}/start`, body });
  }
  async execResize(execId: string, h: number, w: number): Promise<void> {
    await this.transport.text({ method: 'POST', path: `/exec/${enc(execId)}/resize`, query: { h, w } });
  }
  execInspect(execId: string): Promise<ExecInspect> { return this.transport.json({ path: `/exec/${enc(execId)}/json` }); }

  // archives (docker cp)
  async containerStatPath(id: string, path: string): Promise<{ name: string; size: number; mode: number; mtime: string; linkTarget: string }> {
    const res = await this.transport.request({ method: 'HEAD', path: `/containers/${enc(id)}/archive`, query: { path } });
    res.resume();
    return JSON.parse(Buffer.from(String(res.headers['x-docker-container-path-stat'] ?? ''), 'base64').toString('utf8'));
  }
  containerGetArchive(id: string, path: string): Promise<IncomingMessage> {
    return this.transport.request({ path: `/containers/${enc(id)}/archive`, query: { path } });
  }
  async containerPutArchive(id: string, path: string, body: Readable, opts: { noOverwriteDirNonDir?: boolean; copyUIDGID?: boolean }): Promise<void> {
    const res = await this.transport.request({ method: 'PUT', path: `/containers/${enc(id)}/archive`, query: { path, noOverwriteDirNonDir: opts.noOverwriteDirNonDir || undefined, copyUIDGID: opts.copyUIDGID || undefined }, body, headers: { 'Content-Type': 'application/x-tar' } });
    await readAll(res);
  }

  // images
  imageList(query: { all?: boolean; digests?: boolean; filters?: Filters }): Promise<ImageSummary[]> {
    return this.transport.json({ path: '/images/json', query: { all: query.all || undefined, digests: query.digests || undefined, filters: filtersJson(query.filters) } });
  }
  imageInspect(name: string): Promise<ImageInspect> { return wrapNotFound(this.transport.json({ path: `/images/${enc(name)}/json` }), 'image', name); }
  imageHistory(name: string): Promise<ImageHistoryItem[]> { return this.transport.json({ path: `/images/${enc(name)}/history` }); }
  async imageTag(source: string, repo: string, tag?: string): Promise<void> {
    await this.transport.text({ method: 'POST', path: `/images/${enc(source)}/tag`, query: { repo, tag } });
  }
  imageRemove(name: string, opts: { force?: boolean; noprune?: boolean }): Promise<Array<{ Untagged?: string; Deleted?: string }>> {
    return wrapNotFound(this.transport.json({ method: 'DELETE', path: `/images/${enc(name)}`, query: { force: opts.force || undefined, noprune: opts.noprune || undefined } }), 'image', name);
  }
  imagePrune(filters?: Filters): Promise<PruneReport> { return this.transport.json({ method: 'POST', path: '/images/prune', query: { filters: filtersJson(filters) } }); }
  imageImport(source: Readable | undefined, query: { fromSrc: string; repo?: string; tag?: string; message?: string; changes?: string[]; platform?: string }): Promise<IncomingMessage> {
    return this.transport.request({ method: 'POST', path: '/images/create', query: { ...query }, body: source });
  }
  /** `registryAuth` is the X-Registry-Auth value (base64url JSON of the credentials); none sends "{}". */
  imageCreate(fromImage: string, tag: string | undefined, platform?: string, registryAuth?: string): Promise<IncomingMessage> {
    return this.transport.request({ method: 'POST', path: '/images/create', query: { fromImage, tag, platform }, headers: authHeader(registryAuth) });
  }
  imagePush(name: string, tag?: string, registryAuth?: string): Promise<IncomingMessage> {
    return this.transport.request({ method: 'POST', path: `/images/${enc(name)}/push`, query: { tag }, headers: authHeader(registryAuth) });
  }
  /** POST /auth: {Status, IdentityToken}. */
  login(auth: { username?: string; password?: string; serveraddress?: string; identitytoken?: string }): Promise<{ Status: string; IdentityToken?: string }> {
    return this.transport.json({ method: 'POST', path: '/auth', body: auth });
  }
  imageSearch(term: string, limit: number | undefined, filters: Filters | undefined, registryAuth?: string): Promise<Array<{ name: string; description: string; star_count: number; is_official: boolean; is_automated: boolean }>> {
    return this.transport.json({ path: '/images/search', query: { term, limit, filters: filtersJson(filters) }, headers: authHeader(registryAuth) });
  }
  imageSave(names: string[]): Promise<IncomingMessage> { return this.transport.request({ path: '/images/get', query: { names } }); }
  imageLoad(source: Readable, quiet: boolean): Promise<IncomingMessage> {
    return this.transport.request({ method: 'POST', path: '/images/load', query: { quiet: quiet ? '1' : '0' }, body: source });
  }

  /** POST /build: `context` is the tar (see buildContextTar); query as dockerd reads it (t may repeat). */
  imageBuild(context: Readable, query: Record<string, string | string[] | undefined>): Promise<IncomingMessage> {
    return this.transport.request({ method: 'POST', path: '/build', query, body: context, headers: { 'Content-Type': 'application/x-tar' } });
  }

  networkCreate(body: Record<string, unknown>): Promise<{ Id: string; Warning?: string }> {
    return this.transport.json({ method: 'POST', path: '/networks/create', body });
  }
  networkList(filters?: Filters): Promise<NetworkSummary[]> {
    return this.transport.json({ path: '/networks', query: { filters: filtersJson(filters) } });
  }
  async networkRemove(id: string): Promise<void> {
    await wrapNotFound(this.transport.text({ method: 'DELETE', path: `/networks/${enc(id)}` }), 'network', id);
  }
  async networkConnect(network: string, body: { Container: string; EndpointConfig?: Record<string, unknown> }): Promise<void> {
    await this.transport.text({ method: 'POST', path: `/networks/${enc(network)}/connect`, body });
  }
  async networkDisconnect(network: string, body: { Container: string; Force: boolean }): Promise<void> {
    await this.transport.text({ method: 'POST', path: `/networks/${enc(network)}/disconnect`, body });
  }
  // other resources that system prune touches
  networkPrune(filters?: Filters): Promise<{ NetworksDeleted?: string[] | null }> {
    return this.transport.json({ method: 'POST', path: '/networks/prune', query: { filters: filtersJson(filters) } });
  }
  volumeCreate(body: { Name: string; Driver: string; DriverOpts: Record<string, string>; Labels: Record<string, string> }): Promise<VolumeSummary> {
    return this.transport.json({ method: 'POST', path: '/volumes/create', body });
  }
  volumeList(filters?: Filters): Promise<{ Volumes: VolumeSummary[] | null; Warnings: string[] | null }> {
    return this.transport.json({ path: '/volumes', query: { filters: filtersJson(filters) } });
  }
  async volumeRemove(name: string, force: boolean): Promise<void> {
    await wrapNotFound(this.transport.text({ method: 'DELETE', path: `/volumes/${enc(name)}`, query: { force: force || undefined } }), 'volume', name);
  }
  volumePrune(filters?: Filters): Promise<{ VolumesDeleted?: string[] | null; SpaceReclaimed?: number }> {
    return this.transport.json({ method: 'POST', path: '/volumes/prune', query: { filters: filtersJson(filters) } });
  }
  buildPrune(query: { all?: boolean; filters?: Filters }): Promise<{ CachesDeleted?: string[] | null; SpaceReclaimed?: number }> {
    return this.transport.json({ method: 'POST', path: '/build/prune', query: { all: query.all || undefined, filters: filtersJson(query.filters) } });
  }
  /** The daemon's inspect JSON byte for byte (docker indents the raw bytes, keeping their escapes). */
  inspectRaw(kind: 'container' | 'image' | 'network' | 'volume', id: string, size = false): Promise<string> {
    const path = { container: `/containers/${enc(id)}/json`, image: `/images/${enc(id)}/json`, network: `/networks/${enc(id)}`, volume: `/volumes/${enc(id)}` }[kind];
    return wrapNotFound(this.transport.text({ path, query: { size: (kind === 'container' && size) || undefined } }), kind, id);
  }
  /** Raw GET for inspect of any object kind (`docker inspect` tries each in turn). */
  getJson<T>(path: string): Promise<T> { return this.transport.json<T>({ path }); }
}

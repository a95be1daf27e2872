// The narrow interface the HTTP routes call; src/daemon implements it. The API layer parses and validates the
// request (path, query, JSON body) into the typed options below and writes whatever comes back: methods return
// the exact Engine API v1.41 response bodies (the backend builds those shapes) or streams of them.
//
// Lifecycle of a call: the router builds a RequestContext (negotiated API version, an AbortSignal that fires
// when the client disconnects), calls one method, and
//   - a returned value is written as JSON (200, or 201/204 where Docker uses them);
//   - a thrown WharfError before any byte is written becomes its status + {"message"} (api/errors.ts);
//   - an AsyncIterable is written as it is produced; an error thrown mid-stream is written in-band the way
//     docker does (progress streams: {"errorDetail":{"message"},"error"}), and the connection then ends.
// Anything a backend does not implement yet throws NotImplemented (501). Methods marked optional (`?`) may
// simply be left out: the router answers 501 for them.
import type { Readable } from 'node:stream';

/** Per-request facts every method receives as its last argument. */
export interface RequestContext {
  /** The API version the client asked for ("1.41" when the path had no /v1.NN prefix). */
  apiVersion: string;
  /** Aborts when the client goes away; long calls (events, follow logs, wait, pull) should stop on it. */
  signal: AbortSignal;
}

/** Docker's filters, normalized from both wire forms ({"k":{"v":true}} and legacy {"k":["v"]}). */
export type Filters = Record<string, string[]>;

export type JsonObject = Record<string, unknown>;

/** One JSON message of a progress stream (pull, push, import, load, build): written one per line. */
export type ProgressStream = AsyncIterable<JsonObject>;

export interface StreamChunk {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

/** Output of a container or exec process; multiplexed on the wire unless `tty`. */
export interface OutputStream {
  tty: boolean;
  output: AsyncIterable<StreamChunk>;
}

/** A live attachment (container attach, exec start). The router hijacks the connection after it gets one. */
export interface Attachment extends OutputStream {
  /** Feeds the client's bytes to the process; the stream ends when the client half-closes its write side. */
  pipeStdin?(input: Readable): void;
  /** Called once when the client connection is gone; must not stop the container. */
  close?(): void;
}

/** Registry credentials from X-Registry-Auth (base64url JSON), decoded; undefined when the header is absent. */
export interface RegistryAuth {
  username?: string;
  password?: string;
  auth?: string;
  email?: string;
  serveraddress?: string;
  identitytoken?: string;
  registrytoken?: string;
}

// ---- containers -----------------------------------------------------------------------------------------

export interface ListContainersOptions { all: boolean; limit?: number; size: boolean; filters: Filters }
export interface CreateContainerOptions { name?: string; platform?: string }
export interface StopOptions { t?: number }
export interface KillOptions { signal?: string }
export interface RemoveContainerOptions { force: boolean; v: boolean; link: boolean }
export type WaitCondition = 'not-running' | 'next-exit' | 'removed';
export interface WaitResult { StatusCode: number; Error?: { Message: string } | null }
/**
 * Wait is two-phase like dockerd: the returned promise settles once the wait is registered (so 404 is a
 * status code) and the router then flushes the 200 headers; `result` settles when the condition is met.
 */
export interface WaitHandle { result: Promise<WaitResult> }
export interface LogsOptions {
  follow: boolean;
  stdout: boolean;
  stderr: boolean;
  /** Unix seconds (fractional allowed); 0/undefined = from the start. */
  since?: number;
  until?: number;
  timestamps: boolean;
  /** Number of lines from the end, or undefined for "all". */
  tail?: number;
  /** Prefix each line with the log entry's attributes (docker logs --details). */
  details: boolean;
}
export interface AttachOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  stream: boolean;
  logs: boolean;
  detachKeys?: string;
}
export interface ResizeOptions { h: number; w: number }
export interface StatsOptions { stream: boolean; oneShot: boolean }
export interface ArchiveStat { name: string; size: number; mode: number; mtime: string; linkTarget: string }
export interface PutArchiveOptions { path: string; noOverwriteDirNonDir: boolean; copyUIDGID: boolean }
export interface ExecStartOptions {
  detach: boolean;
  tty: boolean;
  /** Called once the exec passed its checks, just before its process starts (the hijack reply goes out then). */
  beforeRun?: () => Promise<void>;
}

export interface ContainerBackend {
  listContainers(opts: ListContainersOptions, ctx: RequestContext): Promise<JsonObject[]>;
  /** `body` is the raw create JSON (Config fields + HostConfig + NetworkingConfig). Returns {Id, Warnings}. */
  createContainer(opts: CreateContainerOptions, body: JsonObject, ctx: RequestContext): Promise<{ Id: string; Warnings: string[] }>;
  inspectContainer(id: string, opts: { size: boolean }, ctx: RequestContext): Promise<JsonObject>;
  /** Throws NotModified when already running (docker: 304). */
  startContainer(id: string, opts: { detachKeys?: string }, ctx: RequestContext): Promise<void>;
  /** Throws NotModified when already stopped. */
  stopContainer(id: string, opts: StopOptions, ctx: RequestContext): Promise<void>;
  restartContainer(id: string, opts: StopOptions, ctx: RequestContext): Promise<void>;
  killContainer(id: string, opts: KillOptions, ctx: RequestContext): Promise<void>;
  waitContainer(id: string, condition: WaitCondition, ctx: RequestContext): Promise<WaitHandle>;
  removeContainer(id: string, opts: RemoveContainerOptions, ctx: RequestContext): Promise<void>;
  renameContainer(id: string, newName: string, ctx: RequestContext): Promise<void>;
  pauseContainer(id: string, ctx: RequestContext): Promise<void>;
  unpauseContainer(id: string, ctx: RequestContext): Promise<void>;
  /** Returns {ContainersDeleted, SpaceReclaimed}. */
  pruneContainers(filters: Filters, ctx: RequestContext): Promise<JsonObject>;
  /** Throws (404...) before returning; the stream ends at the log's end unless `follow`. */
  containerLogs(id: string, opts: LogsOptions, ctx: RequestContext): Promise<OutputStream>;
  attachContainer(id: string, opts: AttachOptions, ctx: RequestContext): Promise<Attachment>;
  /** Returns {Titles, Processes}. */
  topContainer(id: string, psArgs: string | undefined, ctx: RequestContext): Promise<JsonObject>;
  /** Returns [{Path, Kind}] (or null when unchanged, as docker does). */
  containerChanges(id: string, ctx: RequestContext): Promise<JsonObject[] | null>;
  /** A tar of the container's filesystem. */
  exportContainer(id: string, ctx: RequestContext): Promise<Readable>;
  resizeContainer(id: string, opts: ResizeOptions, ctx: RequestContext): Promise<void>;
  /** One stats object per second while `stream`, else exactly one. */
  containerStats(id: string, opts: StatsOptions, ctx: RequestContext): Promise<AsyncIterable<JsonObject>>;
  /** Returns {Warnings}. */
  updateContainer(id: string, body: JsonObject, ctx: RequestContext): Promise<JsonObject>;
  getArchive(id: string, path: string, ctx: RequestContext): Promise<{ stat: ArchiveStat; tar: Readable }>;
  headArchive(id: string, path: string, ctx: RequestContext): Promise<ArchiveStat>;
  putArchive(id: string, opts: PutArchiveOptions, tar: Readable, ctx: RequestContext): Promise<void>;

  /** `body` is the ExecConfig JSON. Returns {Id}. */
  createExec(containerId: string, body: JsonObject, ctx: RequestContext): Promise<{ Id: string }>;
  /** Detached: starts and resolves undefined. Otherwise the attachment (output ends when the process exits). */
  startExec(execId: string, opts: ExecStartOptions, ctx: RequestContext): Promise<Attachment | undefined>;
  resizeExec(execId: string, opts: ResizeOptions, ctx: RequestContext): Promise<void>;
  inspectExec(execId: string, ctx: RequestContext): Promise<JsonObject>;
}

// ---- images ---------------------------------------------------------------------------------------------

export interface ListImagesOptions { all: boolean; filters: Filters; digests: boolean }
export interface RemoveImageOptions { force: boolean; noprune: boolean }
export interface PullOptions { fromImage: string; tag?: string; platform?: string; auth?: RegistryAuth }
export interface ImportOptions { fromSrc: string; repo?: string; tag?: string; message?: string; changes: string[]; platform?: string }
export interface PushOptions { tag?: string; auth?: RegistryAuth }
export interface CommitOptions {
  container: string;
  repo?: string;
  tag?: string;
  comment?: string;
  author?: string;
  pause: boolean;
  changes: string[];
}

export interface ImageBackend {
  listImages(opts: ListImagesOptions, ctx: RequestContext): Promise<JsonObject[]>;
  inspectImage(name: string, ctx: RequestContext): Promise<JsonObject>;
  imageHistory(name: string, ctx: RequestContext): Promise<JsonObject[]>;
  /** Resolves when tagged (router answers 201). */
  tagImage(name: string, repo: string, tag: string | undefined, ctx: RequestContext): Promise<void>;
  /** Returns [{Untagged}|{Deleted}]. */
  removeImage(name: string, opts: RemoveImageOptions, ctx: RequestContext): Promise<JsonObject[]>;
  /** Returns {ImagesDeleted, SpaceReclaimed}. */
  pruneImages(filters: Filters, ctx: RequestContext): Promise<JsonObject>;
  /** POST /images/create?fromImage=... */
  pullImage(opts: PullOptions, ctx: RequestContext): Promise<ProgressStream>;
  /** POST /images/create?fromSrc=-: `body` is the tar (fromSrc is "-"), or fromSrc is a URL. */
  importImage(opts: ImportOptions, body: Readable, ctx: RequestContext): Promise<ProgressStream>;
  pushImage(name: string, opts: PushOptions, ctx: RequestContext): Promise<ProgressStream>;
  /** `docker load`: messages like {"stream":"Loaded image: x\n"}. */
  loadImages(body: Readable, opts: { quiet: boolean }, ctx: RequestContext): Promise<ProgressStream>;
  /** `docker save`: a tar of the named images. Throws (404) before returning. */
  saveImages(names: string[], ctx: RequestContext): Promise<Readable>;
  /** `body` is the container config to apply (may be {}). Returns {Id}. */
  commit(opts: CommitOptions, body: JsonObject, ctx: RequestContext): Promise<{ Id: string }>;
}

// ---- system ---------------------------------------------------------------------------------------------

export interface EventsOptions {
  /** Unix nanoseconds; undefined = live events only. */
  sinceNs?: number;
  /** Unix nanoseconds; the stream ends there. */
  untilNs?: number;
  filters: Filters;
}

export interface SystemBackend {
  /** Throws Unavailable when the daemon cannot serve; otherwise the router answers "OK". */
  ping(ctx: RequestContext): Promise<void>;
  /** GET /version body (Platform, Components, Version, ApiVersion, MinAPIVersion, ...). */
  version(ctx: RequestContext): Promise<JsonObject>;
  info(ctx: RequestContext): Promise<JsonObject>;
  /** GET /system/df body (LayersSize, Images, Containers, Volumes, BuildCache). */
  df(ctx: RequestContext): Promise<JsonObject>;
  /** Ends at `untilNs` or when ctx.signal aborts. */
  events(opts: EventsOptions, ctx: RequestContext): AsyncIterable<JsonObject>;
  /** POST /auth: returns {Status, IdentityToken?}. */
  auth?(body: JsonObject, ctx: RequestContext): Promise<JsonObject>;
  /** GET /distribution/{name}/json: {Descriptor, Platforms}. */
  distributionInspect?(name: string, auth: RegistryAuth | undefined, ctx: RequestContext): Promise<JsonObject>;
  /** GET /images/search: [{name, description, star_count, is_official, is_automated}]. */
  searchImages?(opts: { term: string; limit: number; filters: Filters }, auth: RegistryAuth | undefined, ctx: RequestContext): Promise<JsonObject[]>;
}

// ---- optional: volumes, networks, build ------------------------------------------------------------------

export interface VolumeBackend {
  /** Returns {Volumes, Warnings}. */
  listVolumes(filters: Filters, ctx: RequestContext): Promise<JsonObject>;
  createVolume(body: JsonObject, ctx: RequestContext): Promise<JsonObject>;
  inspectVolume(name: string, ctx: RequestContext): Promise<JsonObject>;
  removeVolume(name: string, opts: { force: boolean }, ctx: RequestContext): Promise<void>;
  /** Returns {VolumesDeleted, SpaceReclaimed}. */
  pruneVolumes(filters: Filters, ctx: RequestContext): Promise<JsonObject>;
}

export interface NetworkBackend {
  listNetworks(filters: Filters, ctx: RequestContext): Promise<JsonObject[]>;
  inspectNetwork(id: string, opts: { verbose: boolean; scope?: string }, ctx: RequestContext): Promise<JsonObject>;
  /** Returns {Id, Warning}. */
  createNetwork(body: JsonObject, ctx: RequestContext): Promise<JsonObject>;
  removeNetwork(id: string, ctx: RequestContext): Promise<void>;
  connectNetwork(id: string, body: JsonObject, ctx: RequestContext): Promise<void>;
  disconnectNetwork(id: string, body: JsonObject, ctx: RequestContext): Promise<void>;
  /** Returns {NetworksDeleted}. */
  pruneNetworks(filters: Filters, ctx: RequestContext): Promise<JsonObject>;
}

/** POST /build: `query` holds the raw query parameters (t may repeat); `context` is the tar body. */
export interface BuildBackend {
  build(query: Record<string, string[]>, context: Readable, auth: Record<string, RegistryAuth> | undefined, ctx: RequestContext): Promise<ProgressStream>;
  /** Returns {CachesDeleted, SpaceReclaimed}. */
  pruneBuildCache?(filters: Filters, ctx: RequestContext): Promise<JsonObject>;
}

export interface Backend extends SystemBackend, ContainerBackend, ImageBackend,
  Partial<VolumeBackend>, Partial<NetworkBackend>, Partial<BuildBackend> {}

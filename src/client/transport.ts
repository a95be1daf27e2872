// HTTP over the engine socket: one request function that every API method goes through. Error statuses
// come back as the classes of src/errors.ts carrying the daemon's `message`, so the CLI prints them
// exactly as docker does ("Error response from daemon: No such container: web").
import type { ClientRequest, IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { Readable, Writable } from 'node:stream';
import {
  Conflict, Forbidden, InvalidParameter, NotFound, NotImplemented, NotModified, SystemError, Unauthorized,
  Unavailable, type WharfError,
} from '../errors.js';

export const API_PREFIX = '/v1.41';
export const DEFAULT_HOST = 'unix:///run/wharf/wharf.sock';

export type QueryValue = string | number | boolean | undefined | null | readonly string[];
export type Query = Record<string, QueryValue>;

export interface RequestOptions {
  method?: string;
  path: string;
  query?: Query;
  /** A plain value is sent as JSON; a Buffer or stream as application/x-tar unless headers say otherwise. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface Endpoint { socketPath?: string; host?: string; port?: number; url: string }

/** Parses `unix:///path`, `tcp://host:port` or a bare path, as docker's -H does. */
export function parseHost(url: string): Endpoint {
  if (url.startsWith('unix://')) return { socketPath: url.slice('unix://'.length), url };
  if (url.startsWith('/')) return { socketPath: url, url: `unix://${url}` };
  const m = /^(?:tcp|http):\/\/([^:/]+)(?::(\d+))?\/?$/.exec(url);
  if (m) return { host: m[1], port: Number(m[2] ?? 2375), url };
  throw new InvalidParameter(`Invalid bind address format: ${url}`);
}

/** -H wins, then WHARF_HOST; DOCKER_HOST is deliberately ignored so a user's real docker is not hijacked. */
export function resolveHost(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): { url: string; isDefault: boolean } {
  if (flag) return { url: flag, isDefault: false };
  if (env.WHARF_HOST) return { url: env.WHARF_HOST, isDefault: false };
  return { url: DEFAULT_HOST, isDefault: true };
}

const fromDaemon = new WeakSet<object>();
/** True for errors the daemon returned (printed with "Error response from daemon: "). */
export function isDaemonError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && fromDaemon.has(err);
}

/** The kind for a status, as docker's client (errdefs.FromStatusCode) classifies it. */
export function errorForStatus(status: number, message: string): WharfError {
  let err: WharfError;
  switch (status) {
    case 304: err = new NotModified(message); break;
    case 400: err = new InvalidParameter(message); break;
    case 401: err = new Unauthorized(message); break;
    case 403: err = new Forbidden(message); break;
    case 404: err = new NotFound(message); break;
    case 409: err = new Conflict(message); break;
    case 501: err = new NotImplemented(message); break;
    case 503: err = new Unavailable(message); break;
    default: err = new SystemError(message);
  }
  fromDaemon.add(err);
  return err;
}

/** Connection failures: errors whose code says nothing listens on the socket. */
export class ConnectError extends Unavailable {
  readonly code: string;
  constructor(endpoint: Endpoint, code: string, cause: unknown) {
    super(`Cannot connect to the Docker daemon at ${endpoint.url}. Is the docker daemon running?`, { cause });
    this.code = code;
  }
}

export function buildPath(path: string, query?: Query): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const x of v as readonly string[]) qs.append(k, x);
    else qs.append(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  const s = qs.toString();
  return `${API_PREFIX}${path}${s ? `?${s}` : ''}`;
}

export async function readAll(res: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function throwForStatus(res: IncomingMessage): Promise<never> {
  const text = (await readAll(res)).toString('utf8');
  let message = text.trim();
  try {
    const parsed = JSON.parse(text) as { message?: string };
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch { /* plain-text body */ }
  if (!message) message = `${res.statusCode} ${res.statusMessage ?? ''}`.trim();
  throw errorForStatus(res.statusCode ?? 500, message);
}

export function isStream(body: unknown): body is Readable {
  return typeof body === 'object' && body !== null && typeof (body as Readable).pipe === 'function';
}

// node:http is loaded on first use, not at import: it cannot be part of the CLI's V8 startup snapshot
// (src/cli/snapshot.ts), and commands that never reach the daemon (--help, flag errors) skip it. The bundles
// have a `require` (createRequire computes module search paths, which costs more than loading http itself);
// the per-file ESM build used by unit tests makes one.
let httpModule: typeof import('node:http') | undefined;
const http = (): typeof import('node:http') => (httpModule ??= (typeof require === 'function' ? require : createRequire(import.meta.url))('node:http') as typeof import('node:http'));

export class Transport {
  readonly endpoint: Endpoint;
  constructor(hostUrl: string) { this.endpoint = parseHost(hostUrl); }

  /** Builds a ClientRequest with the endpoint, path and headers filled in (used by hijack too). */
  open(opts: RequestOptions, extraHeaders: Record<string, string> = {}): ClientRequest {
    const headers: Record<string, string> = { 'User-Agent': 'Docker-Client/20.10.24 (linux)', ...extraHeaders, ...opts.headers };
    const body = opts.body;
    if (body !== undefined && !Buffer.isBuffer(body) && !isStream(body)) headers['Content-Type'] ??= 'application/json';
    else if (body !== undefined) headers['Content-Type'] ??= 'application/x-tar';
    const { socketPath, host, port } = this.endpoint;
    return http().request({
      socketPath, host: host ?? 'localhost', port, method: opts.method ?? 'GET', path: buildPath(opts.path, opts.query),
      headers, signal: opts.signal, agent: false,
      // No TLS, so no SNI name: without this the agent derives one from the host with net.isIP(), whose
      // first use compiles node's IPv6 regular expression (~13 ms of CPU, a third of the CLI's start-up).
      servername: '',
    } as import('node:http').RequestOptions);
  }

  /** Sends the request; resolves once headers arrive (body unread) and rejects on a status >= 400. */
  async request(opts: RequestOptions): Promise<IncomingMessage> {
    const req = this.open(opts);
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      req.on('response', resolve);
      req.on('error', (err: NodeJS.ErrnoException) => reject(this.mapSocketError(err)));
      const body = opts.body;
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else if (isStream(body) && typeof (body as { writeTo?: unknown }).writeTo === 'function') {
        // A source that fills its own reused buffers (the build context tar).
        (body as unknown as { writeTo(w: Writable): Promise<void> }).writeTo(req).catch((e: Error) => req.destroy(e));
      } else if (isStream(body)) { body.on('error', (e) => req.destroy(e)); body.pipe(req); }
      else req.end(JSON.stringify(body));
    });
    if ((res.statusCode ?? 500) >= 400) await throwForStatus(res);
    return res;
  }

  async json<T>(opts: RequestOptions): Promise<T> {
    const res = await this.request(opts);
    const text = (await readAll(res)).toString('utf8');
    if (res.statusCode === 204 || res.statusCode === 304 || text.trim() === '') return undefined as T;
    return JSON.parse(text) as T;
  }

  async text(opts: RequestOptions): Promise<string> {
    return (await readAll(await this.request(opts))).toString('utf8');
  }

  mapSocketError(err: NodeJS.ErrnoException): Error {
    if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') return new ConnectError(this.endpoint, err.code, err);
    if (err.code === 'EACCES') {
      return new Forbidden(`Got permission denied while trying to connect to the Docker daemon socket at ${this.endpoint.url}: connect: permission denied`, { cause: err });
    }
    return err;
  }
}

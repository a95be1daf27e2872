// wharfd's HTTP server: a node:http server on a unix socket serving the Engine API v1.41 over the Backend.
// Every path is served both with and without a /v1.NN prefix; the version is checked like dockerd's
// middleware (too new / too old are 400s) and handed to the backend in the RequestContext.
//
// Hijacking: node routes requests carrying `Upgrade` to the 'upgrade' event, which hands over the raw
// socket. dockerd also hijacks attach/exec requests sent WITHOUT Upgrade (answering "200 OK" and then
// streaming both ways on the same connection); node's parser would read the client's stdin as another
// request, so connections are accepted by a net.Server that peeks at the first request head and marks such
// requests as upgrades (with a private header that makes the reply a 200) before node parses them.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, connect, type Server as NetServer, type Socket } from 'node:net';
import { chmod, lstat, unlink } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { SystemError } from '../errors.js';
import { debug } from '../sys/index.js';
import type { Backend, RequestContext } from './backend.js';
import { writeError } from './errors.js';
import { Hijack } from './hijack.js';
import { Query, compareVersions } from './query.js';
import { sendJson } from './response.js';
import { checkForJson, decodeObject, matchRoute, readAll, type ApiRequest, type Route } from './router.js';
import { allRoutes, isHijackPath } from './routes/index.js';

export const API_VERSION = '1.41';
export const MIN_API_VERSION = '1.12';
const PLAIN_HIJACK_HEADER = 'x-wharf-plain-hijack';

export interface ApiServerOptions {
  socketPath: string;
  /** wharf's own version, shown in the Server header. */
  version: string;
  debug?: boolean;
}

export interface ApiServer {
  listen(): Promise<void>;
  close(): Promise<void>;
}

type Resolved =
  | { kind: 'not-found' }
  | { kind: 'bad-version'; status: number; message: string; json: boolean }
  | { kind: 'route'; route: Route; params: Record<string, string>; query: Query; apiVersion: string; path: string };

/** Splits "/v1.40/containers/json?all=1" into route, params, query and version, applying dockerd's rules. */
export function resolve(routes: readonly Route[], method: string, rawUrl: string): Resolved {
  const url = new URL(rawUrl, 'http://wharf');
  let path = url.pathname;
  let apiVersion: string | undefined;
  const m = /^\/v([0-9.]+)(\/.*)$/.exec(path);
  if (m) { apiVersion = m[1]!; path = m[2]!; }
  const match = matchRoute(routes, method, path);
  if (!match) return { kind: 'not-found' };
  if (apiVersion !== undefined) {
    if (compareVersions(apiVersion, MIN_API_VERSION) < 0) {
      const message = `client version ${apiVersion} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`;
      return { kind: 'bad-version', status: 400, message, json: false };
    }
    if (compareVersions(apiVersion, API_VERSION) > 0) {
      return { kind: 'bad-version', status: 400, message: `client version ${apiVersion} is too new. Maximum supported API version is ${API_VERSION}`, json: true };
    }
  }
  return { kind: 'route', route: match.route, params: match.params, query: new Query(url.searchParams), apiVersion: apiVersion ?? API_VERSION, path };
}

export function createApiServer(backend: Backend, opts: ApiServerOptions): ApiServer {
  const routes = allRoutes();
  const baseHeaders: Record<string, string> = {
    'Api-Version': API_VERSION,
    'Docker-Experimental': 'false',
    Ostype: 'linux',
    Server: `Wharf/${opts.version} (linux)`,
  };
  const hijacked = new WeakSet<Duplex>();
  const sockets = new Set<Socket>();

  // requestTimeout 0: uploads (docker load, build contexts) and streams may run for as long as they need.
  // keepAliveTimeout 0: like dockerd (Go's http.Server without IdleTimeout) an idle connection stays open until
  // the client closes it, so a client reusing a pooled connection never races the server's close (EPIPE).
  const http = createHttpServer({ requestTimeout: 0, keepAliveTimeout: 0 });

  const context = (onClose: (fn: () => void) => void, apiVersion: string): RequestContext => {
    const ac = new AbortController();
    onClose(() => ac.abort());
    return { apiVersion, signal: ac.signal };
  };

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    if (opts.debug) debug('api', `${method} ${req.url}`);
    for (const [k, v] of Object.entries(baseHeaders)) res.setHeader(k, v);
    const r = resolve(routes, method, req.url ?? '/');
    if (r.kind === 'not-found') { req.resume(); sendJson(res, 404, { message: 'page not found' }); return; }
    if (r.kind === 'bad-version') { req.resume(); sendVersionError(res, r); return; }
    if (r.route.kind === 'hijack') {
      // Reached only when the peek did not see the request (e.g. a later request on a kept-alive
      // connection): serve output on the raw socket; further client bytes cannot be read as stdin here.
      const body = await readAll(req);
      hijacked.add(req.socket);
      const h = new Hijack(req.socket, body, false, body.length, baseHeaders);
      await runHijack(r, h, req);
      return;
    }
    const ctx = context((fn) => res.once('close', fn), r.apiVersion);
    const apiReq: ApiRequest = {
      params: r.params, query: r.query, headers: req.headers, ctx, backend, req, res, body: req,
      json: async (required) => {
        const raw = await readAll(req);
        checkForJson(req.headers, raw.length > 0);
        return decodeObject(raw, required);
      },
    };
    try {
      await r.route.handler(apiReq);
    } catch (err) {
      writeError(res, err, `${method} ${r.path}`);
    }
    if (!req.complete) req.resume(); // unread bodies must not wedge a kept-alive connection
  }

  async function runHijack(r: Extract<Resolved, { kind: 'route' }>, h: Hijack, req: IncomingMessage): Promise<void> {
    if (r.route.kind !== 'hijack') return;
    const ctx = context((fn) => h.onClose(fn), r.apiVersion);
    try {
      await r.route.handler({ params: r.params, query: r.query, headers: req.headers, ctx, backend, hijack: h });
    } catch (err) {
      h.fail(err, `${req.method} ${r.path}`);
    }
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const method = req.method ?? 'GET';
    if (opts.debug) debug('api', `${method} ${req.url} (hijack)`);
    hijacked.add(socket);
    socket.on('error', () => undefined);
    const plain = req.headers[PLAIN_HIJACK_HEADER] === '1';
    const length = Number(req.headers['content-length'] ?? 0) || 0;
    const h = new Hijack(socket, head, !plain, length, baseHeaders);
    const r = resolve(routes, method, req.url ?? '/');
    if (r.kind === 'not-found') { h.reply(404, { message: 'page not found' }); return; }
    if (r.kind === 'bad-version') { h.reply(r.status, { message: r.message }); return; }
    if (r.route.kind !== 'hijack') {
      // Upgrade on an ordinary route: dockerd ignores the header; wharf answers it without upgrading.
      h.reply(400, { message: `${r.path} does not support connection upgrades` });
      return;
    }
    void runHijack(r, h, req);
  }

  http.on('request', (req: IncomingMessage, res: ServerResponse) => { void onRequest(req, res); });
  http.on('upgrade', onUpgrade);
  http.on('clientError', (err: Error, socket: Duplex) => {
    if (hijacked.has(socket)) return; // bytes after a fallback hijack are stdin, not a broken request
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy(err);
  });

  const net: NetServer = createNetServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    peekFirstRequest(socket, (first) => {
      http.emit('connection', socket);
      if (first.length > 0) socket.emit('data', first);
    }, () => hijacked.has(socket));
  });

  return {
    async listen() {
      await removeStaleSocket(opts.socketPath);
      await new Promise<void>((resolveListen, reject) => {
        net.once('error', reject);
        net.listen(opts.socketPath, () => { net.off('error', reject); resolveListen(); });
      });
      await chmod(opts.socketPath, 0o660);
    },
    async close() {
      const closed = new Promise<void>((res) => net.close(() => res()));
      for (const s of sockets) s.destroy();
      http.closeAllConnections();
      await closed;
      await unlink(opts.socketPath).catch(() => undefined);
    },
  };
}

function sendVersionError(res: ServerResponse, r: { status: number; message: string; json: boolean }): void {
  if (r.json) { sendJson(res, r.status, { message: r.message }); return; }
  // dockerd answers "too old" through http.Error: plain text.
  const body = r.message + '\n';
  res.writeHead(r.status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const MAX_HEAD = 64 * 1024;

/**
 * Reads until the first request head is complete (or 64 KiB), rewrites a non-upgrade attach/exec-start
 * request into an upgrade one, and hands the bytes on. The socket is paused meanwhile.
 */
function peekFirstRequest(socket: Socket, done: (first: Buffer) => void, taken: () => boolean): void {
  let buf: Buffer = Buffer.alloc(0);
  const timer = setTimeout(() => socket.destroy(), 60_000);
  const finish = (): void => {
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('end', finish);
    socket.pause();
    done(markPlainHijack(buf));
    // A hijacked connection's bytes are stdin: they wait until the attachment reads them.
    if (!taken()) socket.resume();
  };
  const onData = (chunk: Buffer): void => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    if (buf.indexOf('\r\n\r\n') >= 0 || buf.length >= MAX_HEAD) finish();
  };
  socket.on('data', onData);
  socket.once('end', finish);
  socket.once('close', () => clearTimeout(timer));
}

/** Inserts `Connection: Upgrade`/`Upgrade: tcp` plus the private marker into a plain hijack request head. */
export function markPlainHijack(buf: Buffer): Buffer {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return buf;
  const head = buf.subarray(0, end).toString('latin1');
  const lines = head.split('\r\n');
  const [method, target] = lines[0]!.split(' ');
  if (method !== 'POST' || target === undefined || !isHijackPath(target.split('?')[0]!)) return buf;
  if (lines.some((l) => /^upgrade\s*:/i.test(l))) return buf;
  const kept = lines.slice(1).filter((l) => !/^connection\s*:/i.test(l));
  const rewritten = [lines[0], ...kept, 'Connection: Upgrade', 'Upgrade: tcp', `${PLAIN_HIJACK_HEADER}: 1`].join('\r\n');
  return Buffer.concat([Buffer.from(rewritten, 'latin1'), buf.subarray(end)]);
}

/** A socket file nobody listens on is left over from a crash: remove it. A live one means another daemon. */
async function removeStaleSocket(path: string): Promise<void> {
  try {
    const st = await lstat(path);
    if (!st.isSocket()) throw new SystemError(`${path} exists and is not a socket`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const live = await new Promise<boolean>((res) => {
    const c = connect(path);
    c.once('connect', () => { c.destroy(); res(true); });
    c.once('error', () => res(false));
  });
  if (live) throw new SystemError(`listen unix ${path}: bind: address already in use`);
  await unlink(path);
}

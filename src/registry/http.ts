// HTTP to registries over node's http/https: keep-alive agents per TLS setting, an idle timeout on every
// connection (a hanging registry fails instead of blocking forever), Go-style error text (`Get "url": dial
// tcp host: connect: connection refused`), and bounded retries with exponential back-off for idempotent
// requests on connection errors, 429 and 5xx.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { SystemError, WharfError } from '../errors.js';
import { debug } from '../sys/index.js';
import type { TlsFiles } from './hosts.js';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: OutgoingHttpHeaders;
  /** A Buffer can be resent on retry; a stream cannot (the request is then tried once). */
  body?: Buffer | Readable;
  tls?: TlsFiles;
  signal?: AbortSignal;
}

export interface HttpSettings { timeoutMs: number; attempts: number; retryBaseMs: number }

const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 16 });
const httpsAgents = new Map<string, HttpsAgent>();

function agentFor(tls: TlsFiles | undefined): HttpsAgent {
  const key = JSON.stringify([tls?.rejectUnauthorized ?? true, tls?.ca?.map((c) => c.length), tls?.cert?.length]);
  let a = httpsAgents.get(key);
  if (!a) {
    a = new HttpsAgent({ keepAlive: true, maxSockets: 16, rejectUnauthorized: tls?.rejectUnauthorized ?? true, ca: tls?.ca, cert: tls?.cert, key: tls?.key });
    httpsAgents.set(key, a);
  }
  return a;
}

const goMethod = (m: string): string => m[0]! + m.slice(1).toLowerCase();

/** A transport-level failure (no HTTP answer): connection refused, TLS, timeout. Retryable. */
export class ConnectionError extends SystemError {}

function connectionError(req: HttpRequest, err: NodeJS.ErrnoException): ConnectionError {
  const u = new URL(req.url);
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  const where = `${goMethod(req.method)} "${req.url}"`;
  const addr = `${u.hostname}:${port}`;
  let text: string;
  switch (err.code) {
    // Go names the address it dialled (localhost:1 is dialled as 127.0.0.1:1) and the resolver it asked.
    case 'ECONNREFUSED': text = `dial tcp ${dialled(err) ?? addr}: connect: connection refused`; break;
    case 'ENOTFOUND': case 'EAI_AGAIN': text = `dial tcp: lookup ${u.hostname} on ${nameserver()}: no such host`; break;
    case 'ETIMEDOUT': text = 'net/http: request canceled (Client.Timeout exceeded while awaiting headers)'; break;
    case 'ECONNRESET': text = `read tcp ${addr}: read: connection reset by peer`; break;
    case 'EPROTO': text = 'http: server gave HTTP response to HTTPS client'; break;
    default:
      text = /certificate|self.signed|SSL|TLS/i.test(err.message) || err.code?.startsWith('ERR_TLS') || err.code?.includes('CERT')
        ? `x509: certificate signed by unknown authority (${err.message})` : err.message;
  }
  return new ConnectionError(`${where}: ${text}`, { cause: err });
}

/** The address a refused connect went to ("127.0.0.1:1", "[::1]:1"), from node's error. */
function dialled(err: NodeJS.ErrnoException & { address?: string; port?: number }): string | undefined {
  if (!err.address || err.port === undefined) return undefined;
  return err.address.includes(':') ? `[${err.address}]:${err.port}` : `${err.address}:${err.port}`;
}

let resolver: string | undefined;
/** The first nameserver of /etc/resolv.conf as Go's resolver names it in errors (127.0.0.1:53 without one). */
function nameserver(): string {
  if (resolver === undefined) {
    let ns = '127.0.0.1';
    try { ns = /^\s*nameserver\s+(\S+)/m.exec(readFileSync('/etc/resolv.conf', 'utf8'))?.[1] ?? ns; } catch { /* none */ }
    resolver = ns.includes(':') ? `[${ns}]:53` : `${ns}:53`;
  }
  return resolver;
}

/** Sends one request; resolves with the response (any status). */
export function send(req: HttpRequest, timeoutMs: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const https = req.url.startsWith('https:');
    const opts = { method: req.method, headers: req.headers, signal: req.signal, agent: https ? agentFor(req.tls) : httpAgent };
    const r = (https ? httpsRequest : httpRequest)(req.url, opts, (res) => {
      // The idle timeout keeps applying while the body streams: a registry that stops sending fails the read.
      const socket = res.socket;
      const onTimeout = () => res.destroy(new ConnectionError(`${goMethod(req.method)} "${req.url}": read: i/o timeout`));
      socket.setTimeout(timeoutMs, onTimeout);
      const clear = () => { socket.setTimeout(0); socket.removeListener('timeout', onTimeout); };
      res.once('end', clear);
      res.once('close', clear);
      resolve(res);
    });
    r.setTimeout(timeoutMs, () => r.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    r.on('error', (err: NodeJS.ErrnoException) => {
      if (err.name === 'AbortError') reject(new SystemError('context canceled', { cause: err }));
      else reject(connectionError(req, err));
    });
    debug('registry', `${req.method} ${req.url}`);
    if (req.body === undefined) r.end();
    else if (Buffer.isBuffer(req.body)) r.end(req.body);
    else {
      req.body.on('error', (e) => r.destroy(e));
      req.body.pipe(r);
    }
  });
}

export async function readBody(res: IncomingMessage, limit = 32 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res) {
    n += (c as Buffer).length;
    if (n > limit) { res.destroy(); throw new SystemError(`response from registry larger than ${limit} bytes`); }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict',
  416: 'Requested Range Not Satisfiable', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway',
  503: 'Service Unavailable', 504: 'Gateway Timeout',
};

export class RegistryError extends WharfError {
  constructor(kind: WharfError['kind'], message: string, readonly status: number, readonly codes: string[]) { super(kind, message); }
}

/** errcode.Errors as the registry sends them: "manifest unknown: manifest unknown" (code, then message). */
export function registryErrorText(status: number, body: Buffer): { text: string; codes: string[] } {
  try {
    const j = JSON.parse(body.toString('utf8')) as { errors?: Array<{ code?: string; message?: string }> };
    if (Array.isArray(j.errors) && j.errors.length) {
      const parts = j.errors.map((e) => `${(e.code ?? 'unknown').toLowerCase().replace(/_/g, ' ')}: ${e.message ?? ''}`.replace(/: $/, ''));
      return { text: parts.join(', '), codes: j.errors.map((e) => e.code ?? '') };
    }
  } catch { /* not JSON */ }
  return { text: `received unexpected HTTP status: ${status} ${STATUS_TEXT[status] ?? ''}`.trim(), codes: [] };
}

export async function errorFrom(res: IncomingMessage, prefix?: string): Promise<RegistryError> {
  const status = res.statusCode ?? 0;
  const body = await readBody(res, 1 << 20).catch(() => Buffer.alloc(0));
  const { text, codes } = registryErrorText(status, body);
  const msg = prefix ? `${prefix}: ${text}` : text;
  const kind = status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 404 ? 'not-found'
    : status === 429 || status === 503 ? 'unavailable' : status >= 500 ? 'system' : 'invalid-parameter';
  return new RegistryError(kind, msg, status, codes);
}

export const isRetryableStatus = (s: number): boolean => s === 429 || s === 500 || s === 502 || s === 503 || s === 504;

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); reject(new SystemError('context canceled')); }, { once: true });
  });
}

/** Back-off before attempt `n` (1-based retry count): base * 2^(n-1), or Retry-After when the registry says so (capped). */
export function backoff(base: number, n: number, res?: IncomingMessage): number {
  const ra = Number(res?.headers['retry-after']);
  if (Number.isFinite(ra) && ra > 0) return Math.min(ra * 1000, 10 * base);
  return base * 2 ** (n - 1);
}

/** send() with retries for connection errors, 429 and 5xx when the body can be resent. */
export async function sendWithRetry(req: HttpRequest, s: HttpSettings): Promise<IncomingMessage> {
  const retryable = req.body === undefined || Buffer.isBuffer(req.body);
  for (let attempt = 1; ; attempt++) {
    let res: IncomingMessage | undefined;
    try {
      res = await send(req, s.timeoutMs);
    } catch (err) {
      if (!retryable || attempt >= s.attempts || !(err instanceof ConnectionError) || /connection refused|no such host|certificate|HTTPS client/.test(err.message)) throw err;
      debug('registry', `retrying ${req.method} ${req.url} after ${(err as Error).message}`);
      await sleep(backoff(s.retryBaseMs, attempt), req.signal);
      continue;
    }
    if (retryable && isRetryableStatus(res.statusCode ?? 0) && attempt < s.attempts) {
      res.resume();
      debug('registry', `retrying ${req.method} ${req.url} after status ${res.statusCode}`);
      await sleep(backoff(s.retryBaseMs, attempt, res), req.signal);
      continue;
    }
    return res;
  }
}


// One conversation with one registry endpoint: the /v2/ ping that learns the auth challenge (and picks HTTP
// for an insecure registry that has no TLS), then authorized requests for one repository's scopes.
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Unauthorized } from '../errors.js';
import { Authorizer } from './auth.js';
import { errorFrom, sendWithRetry, type HttpSettings } from './http.js';
import type { Endpoint, RegistryHosts } from './hosts.js';
import type { AuthConfig, RegistrySettings } from './types.js';

export interface SessionRequest {
  method: string;
  /** Path under the endpoint (/v2/...) or an absolute URL (upload locations). */
  path: string;
  headers?: OutgoingHttpHeaders;
  body?: Buffer | Readable;
  signal?: AbortSignal;
}

export class RegistrySession {
  readonly authorizer: Authorizer;
  readonly http: HttpSettings;

  private constructor(readonly endpoint: Endpoint, auth: AuthConfig | undefined, settings: RegistrySettings, readonly scopes: string[]) {
    this.http = { timeoutMs: settings.timeoutMs, attempts: settings.attempts, retryBaseMs: settings.retryBaseMs };
    this.authorizer = new Authorizer(auth, this.http, endpoint.tls);
  }

  /**
   * Opens a session on the first endpoint of `domain` that answers /v2/ (mirrors may fail; the registry's
   * own error is the one reported). An insecure registry is tried over HTTPS without verification, then HTTP.
   */
  static async open(hosts: RegistryHosts, domain: string, auth: AuthConfig | undefined, scopes: string[], opts: { push?: boolean; signal?: AbortSignal } = {}): Promise<RegistrySession[]> {
    const sessions: RegistrySession[] = [];
    let lastErr: unknown;
    for (const ep of hosts.endpoints(domain, opts.push)) {
      for (let e: Endpoint | undefined = ep; e; e = e.fallback) {
        const s = new RegistrySession(e, auth, hosts.settings, scopes);
        try {
          await s.ping(opts.signal);
          sessions.push(s);
          break;
        } catch (err) {
          lastErr = err;
        }
      }
    }
    if (!sessions.length) throw lastErr;
    return sessions;
  }

  private async ping(signal?: AbortSignal): Promise<void> {
    const res = await sendWithRetry({ method: 'GET', url: `${this.endpoint.url}/v2/`, tls: this.endpoint.tls, signal }, { ...this.http, attempts: Math.min(2, this.http.attempts) });
    res.resume();
    if (res.statusCode === 401) { this.authorizer.setChallenges(res.headers['www-authenticate']); return; }
    if ((res.statusCode ?? 0) >= 400) throw await errorFrom(res, `Get "${this.endpoint.url}/v2/"`);
  }

  url(path: string): string { return path.startsWith('http://') || path.startsWith('https://') ? path : `${this.endpoint.url}${path}`; }

  /** Sends with the Authorization the challenge calls for; a 401 on a resendable request re-authenticates once. */
  async request(r: SessionRequest, scopes = this.scopes): Promise<IncomingMessage> {
    const url = this.url(r.path);
    const what = `${r.method[0]}${r.method.slice(1).toLowerCase()} "${url}": `;
    for (let attempt = 0; ; attempt++) {
      const headers: OutgoingHttpHeaders = { ...r.headers };
      const authz = await this.authorizer.header(scopes, r.signal, what);
      if (authz) headers.Authorization = authz;
      const res = await sendWithRetry({ method: r.method, url, headers, body: r.body, tls: this.endpoint.tls, signal: r.signal }, this.http);
      if (res.statusCode !== 401 || attempt > 0 || (r.body !== undefined && !Buffer.isBuffer(r.body))) return res;
      const before = this.authorizer.challenge?.scheme;
      this.authorizer.setChallenges(res.headers['www-authenticate']);
      this.authorizer.reset();
      if (before === 'basic' && this.authorizer.challenge?.scheme === 'basic') return res;
      res.resume();
    }
  }

  /** request() that throws the registry's error for any status >= 400, prefixed like Go's url.Error. */
  async ok(r: SessionRequest, scopes?: string[]): Promise<IncomingMessage> {
    const res = await this.request(r, scopes);
    if ((res.statusCode ?? 0) >= 400) {
      const err = await errorFrom(res);
      if (res.statusCode === 401 && !/^unauthorized/.test(err.message)) throw new Unauthorized(`${err.message}`);
      throw err;
    }
    return res;
  }
}

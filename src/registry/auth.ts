// Registry authentication: WWW-Authenticate challenges, the Bearer token flow (realm/service/scope, anonymous
// tokens when there are no credentials, refresh tokens as identity tokens, expiry) and basic auth.
import { Unauthorized } from '../errors.js';
import { readBody, registryErrorText, sendWithRetry, type HttpSettings } from './http.js';
import type { TlsFiles } from './hosts.js';
import type { AuthConfig } from './types.js';

export interface Challenge { scheme: 'bearer' | 'basic'; params: Record<string, string> }

/** Parses `Bearer realm="...",service="...",scope="..."` (several challenges may be comma-joined). */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  const out: Challenge[] = [];
  for (const h of Array.isArray(header) ? header : header ? [header] : []) {
    const re = /\s*([A-Za-z]+)\s+((?:[A-Za-z_]+=(?:"(?:[^"\\]|\\.)*"|[^,\s]*)\s*,?\s*)*)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(h)) !== null) {
      const scheme = m[1]!.toLowerCase();
      if (scheme !== 'bearer' && scheme !== 'basic') continue;
      const params: Record<string, string> = {};
      const pre = /([A-Za-z_]+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
      let p: RegExpExecArray | null;
      while ((p = pre.exec(m[2]!)) !== null) params[p[1]!.toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
      out.push({ scheme, params });
    }
  }
  return out;
}

export function credentials(auth: AuthConfig | undefined): { username: string; password: string } | undefined {
  if (!auth) return undefined;
  if (auth.username && auth.password !== undefined && auth.password !== '') return { username: auth.username, password: auth.password };
  if (auth.auth) {
    const s = Buffer.from(auth.auth, 'base64').toString('utf8');
    const i = s.indexOf(':');
    if (i > 0) return { username: s.slice(0, i), password: s.slice(i + 1) };
  }
  return undefined;
}

interface Token { value: string; expires: number }

/** Per-endpoint authorizer: remembers the challenge and caches tokens per scope set. */
export class Authorizer {
  challenge?: Challenge;
  private readonly tokens = new Map<string, Token>();
  /** The refresh token a token server handed out on login (becomes /auth's IdentityToken). */
  refreshToken?: string;

  constructor(private readonly auth: AuthConfig | undefined, private readonly http: HttpSettings, private readonly tls: TlsFiles) {}

  setChallenges(header: string | string[] | undefined): void {
    const cs = parseChallenges(header);
    this.challenge = cs.find((c) => c.scheme === 'bearer') ?? cs[0] ?? this.challenge;
  }

  /** The Authorization header for a request needing `scopes` (undefined when the registry asked for none). */
  async header(scopes: string[], signal?: AbortSignal, what = ''): Promise<string | undefined> {
    if (this.auth?.registrytoken) return `Bearer ${this.auth.registrytoken}`;
    const c = this.challenge;
    if (!c) return undefined;
    if (c.scheme === 'basic') {
      const cred = credentials(this.auth);
      if (!cred) throw new Unauthorized(`${what}no basic auth credentials`);
      return `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}`;
    }
    const key = [...scopes].sort().join(' ');
    const have = this.tokens.get(key);
    if (have && have.expires > Date.now()) return `Bearer ${have.value}`;
    const t = await this.fetchToken(scopes, signal, false, what);
    this.tokens.set(key, t);
    return `Bearer ${t.value}`;
  }

  /** Forget tokens (after a 401 with a valid-looking token: expired or revoked). */
  reset(): void { this.tokens.clear(); }

  private async fetchToken(scopes: string[], signal?: AbortSignal, offline = false, what = ''): Promise<Token> {
    const p = this.challenge!.params;
    if (!p.realm) throw new Unauthorized('bearer challenge without a realm');
    const cred = credentials(this.auth);
    const url = new URL(p.realm);
    let res;
    if (this.auth?.identitytoken) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: this.auth.identitytoken, service: p.service ?? '', client_id: 'wharf', access_type: 'offline' });
      if (scopes.length) form.set('scope', scopes.join(' '));
      res = await sendWithRetry({ method: 'POST', url: url.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: Buffer.from(form.toString()), tls: this.tls, signal }, this.http);
    } else {
      if (p.service) url.searchParams.set('service', p.service);
      for (const s of scopes) url.searchParams.append('scope', s);
      if (cred) url.searchParams.set('account', cred.username);
      if (offline) { url.searchParams.set('offline_token', 'true'); url.searchParams.set('client_id', 'wharf'); }
      const headers: Record<string, string> = {};
      if (cred) headers.Authorization = `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}`;
      res = await sendWithRetry({ method: 'GET', url: url.toString(), headers, tls: this.tls, signal }, this.http);
    }
    if ((res.statusCode ?? 0) >= 400) {
      const body = await readBody(res, 1 << 20).catch(() => Buffer.alloc(0));
      if (res.statusCode === 401 || res.statusCode === 403) throw new Unauthorized(`${what}unauthorized: ${tokenErrorText(body)}`);
      throw new Unauthorized(`${what}${registryErrorText(res.statusCode ?? 0, body).text}`);
    }
    const j = JSON.parse((await readBody(res, 1 << 20)).toString('utf8')) as { token?: string; access_token?: string; expires_in?: number; refresh_token?: string };
    const value = j.token || j.access_token;
    if (!value) throw new Unauthorized('authorization server did not include a token in the response');
    if (j.refresh_token) this.refreshToken = j.refresh_token;
    return { value, expires: Date.now() + Math.max(60, j.expires_in ?? 60) * 1000 - 10_000 };
  }

  /** login: a token with no scope proves the credentials (offline, so a refresh token comes back if offered). */
  async login(signal?: AbortSignal, what = ''): Promise<void> {
    if (this.challenge?.scheme === 'bearer') await this.fetchToken([], signal, true, what);
  }
}

/** A token server's refusal: {"details": ...} (docker/distribution's auth servers) or errcode errors. */
function tokenErrorText(body: Buffer): string {
  try {
    const j = JSON.parse(body.toString('utf8')) as { details?: string; error?: string; errors?: unknown };
    if (j.details) return j.details;
    if (j.errors) return registryErrorText(401, body).text;
    if (j.error) return j.error;
  } catch { /* not JSON */ }
  return 'incorrect username or password';
}

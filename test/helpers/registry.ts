// Test harness for a real registry: Debian's docker-registry (distribution 2.8) on 127.0.0.1 on a free port
// with a temp config and storage. Modes: no auth, htpasswd basic auth, Bearer tokens from a small token
// issuer this file runs on loopback (RS256 JWTs whose x5c certificate the registry trusts), and TLS with a
// test CA made by openssl.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSign, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REGISTRY_BIN = '/usr/bin/docker-registry';
export const haveRegistry = existsSync(REGISTRY_BIN);
export const skipUnlessRegistry = haveRegistry ? false : 'needs Debian\'s docker-registry (scripts/install.sh installs it)';

export interface RegistryOptions {
  auth?: 'none' | 'basic' | 'token';
  tls?: boolean;
  /** Users for basic and token auth. */
  users?: Record<string, string>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr.toString()}`);
}

/** A test CA and a server certificate for 127.0.0.1 signed by it. */
export function makeCa(dir: string): { ca: string; cert: string; key: string } {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=wharf test CA'], dir);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir);
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'ext.cnf'], dir);
  return { ca: join(dir, 'ca.crt'), cert: join(dir, 'server.crt'), key: join(dir, 'server.key') };
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

/** The token issuer: GET /token?service=&scope= with optional basic credentials; anonymous gets pull-less tokens. */
class TokenIssuer {
  server?: Server;
  port = 0;
  issued = 0;
  constructor(private readonly key: string, private readonly certDer: Buffer, private readonly users: Record<string, string>, readonly service: string) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      let user = '';
      const h = req.headers.authorization ?? '';
      if (h.startsWith('Basic ')) {
        const [u, p] = Buffer.from(h.slice(6), 'base64').toString().split(':', 2) as [string, string];
        if (this.users[u] !== p) { res.writeHead(401, { 'Content-Type': 'application/json' }); res.end('{"details":"invalid credentials"}'); return; }
        user = u;
      }
      const access = url.searchParams.getAll('scope').map((s) => {
        const [type, name, actions] = s.split(':') as [string, string, string];
        return { type, name, actions: user ? actions.split(',') : [] };
      });
      const token = this.sign(user, access);
      this.issued++;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
  }

  sign(sub: string, access: unknown[]): string {
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'RS256', x5c: [this.certDer.toString('base64')] };
    const claims = { iss: 'wharf-test-issuer', sub, aud: this.service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const sig = createSign('RSA-SHA256').update(input).sign(this.key);
    return `${input}.${b64url(sig)}`;
  }

  stop(): Promise<void> { return new Promise((r) => (this.server ? this.server.close(() => r()) : r())); }
}

export class TestRegistry {
  readonly dir: string;
  port = 0;
  private child?: ChildProcess;
  private issuer?: TokenIssuer;
  ca?: string;
  readonly users: Record<string, string>;

  constructor(readonly opts: RegistryOptions = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'wharf-registry-'));
    this.users = opts.users ?? { alice: 'wonderland' };
  }

  /** host:port, as image references name it. */
  get host(): string { return `127.0.0.1:${this.port}`; }
  get url(): string { return `${this.opts.tls ? 'https' : 'http'}://${this.host}`; }
  get tokensIssued(): number { return this.issuer?.issued ?? 0; }

  async start(): Promise<void> {
    this.port = await freePort();
    const lines = ['version: 0.1', 'log:', '  level: error', '  accesslog:', '    disabled: true', 'storage:', '  filesystem:',
      `    rootdirectory: ${join(this.dir, 'data')}`, '  delete:', '    enabled: true', 'http:', `  addr: 127.0.0.1:${this.port}`,
      `  secret: ${randomBytes(16).toString('hex')}`];
    if (this.opts.tls) {
      const c = makeCa(this.dir);
      this.ca = c.ca;
      lines.push('  tls:', `    certificate: ${c.cert}`, `    key: ${c.key}`);
    }
    const auth = this.opts.auth ?? 'none';
    if (auth === 'basic') {
      const file = join(this.dir, 'htpasswd');
      writeFileSync(file, '');
      for (const [u, p] of Object.entries(this.users)) {
        const r = spawnSync('htpasswd', ['-bB', file, u, p]);
        if (r.status !== 0) throw new Error(`htpasswd: ${r.stderr.toString()}`);
      }
      lines.push('auth:', '  htpasswd:', '    realm: wharf-test', `    path: ${file}`);
    } else if (auth === 'token') {
      mkdirSync(join(this.dir, 'token'));
      openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'token.key', '-out', 'token.crt', '-days', '2', '-subj', '/CN=wharf token issuer'], join(this.dir, 'token'));
      const pem = readFileSync(join(this.dir, 'token/token.crt'), 'utf8');
      const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
      this.issuer = new TokenIssuer(readFileSync(join(this.dir, 'token/token.key'), 'utf8'), der, this.users, 'wharf-test-registry');
      await this.issuer.start();
      lines.push('auth:', '  token:', `    realm: http://127.0.0.1:${this.issuer.port}/token`, `    service: ${this.issuer.service}`,
        '    issuer: wharf-test-issuer', `    rootcertbundle: ${join(this.dir, 'token/token.crt')}`);
    }
    const config = join(this.dir, 'config.yml');
    writeFileSync(config, `${lines.join('\n')}\n`);
    const log = openSync(join(this.dir, 'registry.log'), 'a');
    this.child = spawn(REGISTRY_BIN, ['serve', config], { stdio: ['ignore', log, log], detached: true });
    for (let i = 0; i < 100; i++) {
      if (await this.ready()) return;
      if (this.child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`docker-registry did not start:\n${readFileSync(join(this.dir, 'registry.log'), 'utf8').slice(-2000)}`);
  }

  private ready(): Promise<boolean> {
    return new Promise((resolve) => {
      const req = (this.opts.tls ? httpsRequest : httpRequest)(`${this.url}/v2/`, { timeout: 1000, ca: this.ca ? readFileSync(this.ca) : undefined }, (res) => {
        res.resume();
        resolve(res.statusCode === 200 || res.statusCode === 401);
      });
      req.on('error', () => resolve(false));
      req.end();
    });
  }

  /** GET on the registry (basic or no auth), for assertions on what it stores. */
  async get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = (this.opts.tls ? httpsRequest : httpRequest)(`${this.url}${path}`, { headers, ca: this.ca ? readFileSync(this.ca) : undefined }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await this.issuer?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// Test harness for a real registry: Debian's docker-registry (distribution 2.8) on 127.0.0.1 on a free port
// with a temp config and storage. Modes: no auth, htpasswd basic auth, Bearer tokens from a small token
// issuer this file runs on loopback (RS256 JWTs whose x5c certificate the registry trusts), and TLS with a
// test CA made by openssl.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REGISTRY_BIN = '/usr/bin/docker-registry';
export const haveRegistry = existsSync(REGISTRY_BIN);
export const skipUnlessRegistry = haveRegistry ? false : 'needs Debian\'s docker-registry (scripts/install.sh installs it)';

export interface RegistryOptions {
  auth?: 'none' | 'basic' | 'token';
  tls?: boolean;
  /** Users for basic and token auth. */
  users?: Record<string, string>;
  /** Listen address (default 127.0.0.1, which engines treat as insecure); see nonLoopbackIp(). */
  ip?: string;
}

/** An IPv4 address of this machine outside 127.0.0.0/8, where a registry counts as secure. */
export function nonLoopbackIp(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

export async function freePort(ip = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, ip, () => {
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
export function makeCa(dir: string, ip = '127.0.0.1'): { ca: string; cert: string; key: string } {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=wharf test CA'], dir);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${ip}`], dir);
  writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=IP:${ip},DNS:localhost\n`);
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'ext.cnf'], dir);
  return { ca: join(dir, 'ca.crt'), cert: join(dir, 'server.crt'), key: join(dir, 'server.key') };
}

const issuerJs = join(dirname(fileURLToPath(import.meta.url)), 'token-issuer.js');

export class TestRegistry {
  readonly dir: string;
  port = 0;
  private child?: ChildProcess;
  private issuer?: ChildProcess;
  private issuerPort = 0;
  ca?: string;
  readonly users: Record<string, string>;

  constructor(readonly opts: RegistryOptions = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'wharf-registry-'));
    this.users = opts.users ?? { alice: 'wonderland' };
  }

  /** host:port, as image references name it. */
  get ip(): string { return this.opts.ip ?? '127.0.0.1'; }
  get host(): string { return `${this.ip}:${this.port}`; }
  get url(): string { return `${this.opts.tls ? 'https' : 'http'}://${this.host}`; }
  /** Tokens handed out so far (the issuer appends a line per token). */
  get tokensIssued(): number {
    try { return readFileSync(join(this.dir, 'token/issued'), 'utf8').split('\n').filter(Boolean).length; } catch { return 0; }
  }

  async start(): Promise<void> {
    this.port = await freePort(this.ip);
    const lines = ['version: 0.1', 'log:', '  level: error', '  accesslog:', '    disabled: true', 'storage:', '  filesystem:',
      `    rootdirectory: ${join(this.dir, 'data')}`, '  delete:', '    enabled: true', 'http:', `  addr: ${this.ip}:${this.port}`,
      `  secret: ${randomBytes(16).toString('hex')}`];
    if (this.opts.tls) {
      const c = makeCa(this.dir, this.ip);
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
      // The issuer runs in its own process: tests block in spawnSync while wharfd asks it for tokens.
      writeFileSync(join(this.dir, 'token/users.json'), JSON.stringify(this.users));
      this.issuer = spawn(process.execPath, [issuerJs, join(this.dir, 'token'), 'wharf-test-registry'], { stdio: ['ignore', 'pipe', 'inherit'] });
      this.issuerPort = await new Promise<number>((resolve, reject) => {
        this.issuer!.stdout!.once('data', (b: Buffer) => resolve(Number(b.toString().trim())));
        this.issuer!.once('exit', (c) => reject(new Error(`token issuer exited ${c}`)));
      });
      lines.push('auth:', '  token:', `    realm: http://127.0.0.1:${this.issuerPort}/token`, '    service: wharf-test-registry',
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
    this.issuer?.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

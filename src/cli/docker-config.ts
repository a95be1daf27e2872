// The docker client's config file (~/.docker/config.json, or $DOCKER_CONFIG/config.json): credentials per
// registry in `auths` (base64 "user:password", or an identity token), or in a credential helper named by
// `credsStore` / `credHelpers` (docker-credential-<name> get|store|erase, JSON on stdin/stdout), so a user's
// existing Docker logins work with wharf. Other keys are kept as they are.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { run } from '../sys/index.js';

export const INDEX_SERVER = 'https://index.docker.io/v1/';

export interface AuthEntry { username?: string; password?: string; auth?: string; identitytoken?: string; serveraddress?: string }

interface ConfigData {
  auths?: Record<string, { auth?: string; identitytoken?: string; email?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [key: string]: unknown;
}

export class DockerConfig {
  private constructor(readonly path: string, private readonly data: ConfigData) {}

  static load(env: NodeJS.ProcessEnv): DockerConfig {
    const dir = env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
    const path = join(dir, 'config.json');
    let data: ConfigData = {};
    try { data = JSON.parse(readFileSync(path, 'utf8')) as ConfigData; } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`loading config file ${path}: ${(err as Error).message}`);
    }
    return new DockerConfig(path, data);
  }

  /** The helper for a server, or undefined for the file store. */
  helper(server: string): string | undefined { return this.data.credHelpers?.[server] ?? this.data.credsStore ?? undefined; }

  async get(server: string): Promise<AuthEntry | undefined> {
    const helper = this.helper(server);
    if (helper) {
      const r = await run([`docker-credential-${helper}`, 'get'], { input: server, allowFailure: true, timeout: 30_000 });
      if (r.exitCode !== 0) return undefined; // "credentials not found in native keychain"
      const j = JSON.parse(r.stdout) as { Username?: string; Secret?: string };
      if (j.Username === '<token>') return { identitytoken: j.Secret, serveraddress: server };
      return { username: j.Username, password: j.Secret, serveraddress: server };
    }
    const auths = this.data.auths ?? {};
    const key = [server, `https://${server}`, `http://${server}`].find((k) => auths[k]) ?? Object.keys(auths).find((k) => hostOf(k) === hostOf(server));
    const e = key ? auths[key] : undefined;
    if (!e) return undefined;
    const out: AuthEntry = { serveraddress: server };
    if (e.auth) {
      const s = Buffer.from(e.auth, 'base64').toString('utf8');
      const i = s.indexOf(':');
      out.username = s.slice(0, i);
      out.password = s.slice(i + 1);
    }
    if (e.identitytoken) out.identitytoken = e.identitytoken;
    return out;
  }

  async store(server: string, a: AuthEntry): Promise<void> {
    const helper = this.helper(server);
    if (helper) {
      const secret = a.identitytoken ?? a.password ?? '';
      const user = a.identitytoken ? '<token>' : a.username ?? '';
      await run([`docker-credential-${helper}`, 'store'], { input: JSON.stringify({ ServerURL: server, Username: user, Secret: secret }), timeout: 30_000 });
      (this.data.auths ??= {})[server] = {};
    } else {
      const e: { auth?: string; identitytoken?: string } = {};
      if (a.username && a.password) e.auth = Buffer.from(`${a.username}:${a.password}`).toString('base64');
      else if (a.username) e.auth = Buffer.from(`${a.username}:`).toString('base64');
      if (a.identitytoken) e.identitytoken = a.identitytoken;
      (this.data.auths ??= {})[server] = e;
    }
    this.save();
  }

  async erase(server: string): Promise<void> {
    const helper = this.helper(server);
    if (helper) await run([`docker-credential-${helper}`, 'erase'], { input: server, allowFailure: true, timeout: 30_000 });
    if (this.data.auths && server in this.data.auths) {
      delete this.data.auths[server];
      this.save();
    }
  }

  /** Whether the file itself would hold the password (docker's unencrypted-storage warning). */
  isFileStore(server: string): boolean { return this.helper(server) === undefined; }

  private save(): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.tmp-${process.pid}`;
    writeFileSync(tmp, `${JSON.stringify(this.data, null, '\t')}`, { mode: 0o600 });
    renameSync(tmp, this.path);
  }
}

const hostOf = (k: string): string => k.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');

/** The config key for the registry of an image reference: Docker Hub's index URL, or host[:port]. */
export function serverForImage(image: string): string {
  const name = image.split('@')[0]!;
  const i = name.indexOf('/');
  const first = i > 0 ? name.slice(0, i) : '';
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost') && first !== 'docker.io' && first !== 'index.docker.io') return first;
  return INDEX_SERVER;
}

/** The X-Registry-Auth header value (base64url JSON) for an image's registry, or undefined. */
export async function registryAuthFor(env: NodeJS.ProcessEnv, image: string): Promise<string | undefined> {
  const server = serverForImage(image);
  let cfg: DockerConfig;
  try { cfg = DockerConfig.load(env); } catch { return undefined; }
  const a = await cfg.get(server).catch(() => undefined);
  return a ? encodeAuth(a) : undefined;
}

export function encodeAuth(a: AuthEntry): string {
  // base64.URLEncoding, padded, as the docker client encodes it.
  return Buffer.from(JSON.stringify(a)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

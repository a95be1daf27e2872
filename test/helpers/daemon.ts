// Test harness: starts a real wharfd on a temp socket and data root, imports the busybox base image once,
// and runs the wharf CLI or the real docker client against it. Integration tests need root; without it
// they skip with the reason.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(new URL('../../..', import.meta.url).pathname);
const wharfdJs = join(repoRoot, 'dist/bin/wharfd.js');
// The CLI as users run it: bin/wharf, which starts it from the V8 startup snapshot when there is one.
export const wharfBin = join(repoRoot, 'bin/wharf');

export const isRoot = process.getuid?.() === 0;
export const skipUnlessRoot = isRoot ? false : 'integration tests need root (run as root, as CI does)';

export function dockerClient(): string | undefined {
  for (const p of ['/usr/local/bin/docker', '/usr/bin/docker']) if (existsSync(p)) return p;
  return undefined;
}

export interface RunResult { stdout: string; stderr: string; code: number }

export class TestDaemon {
  readonly dir: string;
  readonly socket: string;
  readonly dataRoot: string;
  /** This daemon's own default bridge and subnet (many daemons run side by side in tests). */
  readonly bridge: string;
  readonly bip: string;
  private child?: ChildProcess;

  constructor(name = 'wharf-test') {
    this.dir = mkdtempSync(join(tmpdir(), `${name}-`));
    this.socket = join(this.dir, 'wharf.sock');
    this.dataRoot = join(this.dir, 'data');
    const { bridge, bip } = uniqueBridge();
    this.bridge = bridge;
    this.bip = bip;
  }

  get host(): string { return `unix://${this.socket}`; }

  async start(extraArgs: string[] = []): Promise<void> {
    const log = openSync(join(this.dir, 'wharfd.log'), 'a');
    // WHARFD_NODE_ARGS: node flags for the daemon (profiling: "--cpu-prof --cpu-prof-dir=/tmp/prof").
    const nodeArgs = process.env.WHARFD_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    this.child = spawn(process.execPath, [...nodeArgs, wharfdJs, '-H', this.host, '--data-root', this.dataRoot, '--bridge', this.bridge, '--bip', this.bip, ...extraArgs], {
      stdio: ['ignore', log, log],
      detached: true,
    });
    for (let i = 0; i < 100; i++) {
      if (await this.ping()) return;
      if (this.child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`wharfd did not start; log:\n${spawnSync('tail', ['-30', join(this.dir, 'wharfd.log')]).stdout}`);
  }

  ping(): Promise<boolean> {
    return new Promise((res) => {
      const req = request({ socketPath: this.socket, path: '/_ping', timeout: 1000, agent: false }, (r) => { r.resume(); res(r.statusCode === 200); });
      req.on('error', () => res(false));
      req.end();
    });
  }

  /** kill -9 the daemon (containers and their monitors live on). */
  crash(): void {
    if (this.child?.pid) process.kill(this.child.pid, 'SIGKILL');
    this.child = undefined;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }

  /** Stops the daemon, kills leftover containers of this data root, and removes the temp dir. */
  async cleanup(): Promise<void> {
    try {
      const ids = this.wharf(['ps', '-aq']).stdout.split('\n').filter(Boolean);
      if (ids.length) this.wharf(['rm', '-f', ...ids]);
    } catch { /* daemon may be gone */ }
    await this.stop();
    removeDaemonNetwork(this.bridge, this.dataRoot);
    spawnSync('sh', ['-c', `grep -F '${this.dir}' /proc/mounts | cut -d' ' -f2 | sort -r | xargs -r -n1 umount -l`]);
    rmSync(this.dir, { recursive: true, force: true });
  }

  wharf(args: string[], opts: { input?: string | Buffer; timeout?: number; env?: NodeJS.ProcessEnv } = {}): RunResult {
    const r = spawnSync(wharfBin, args, {
      input: opts.input, timeout: opts.timeout ?? 60_000, env: { ...process.env, WHARF_HOST: this.host, ...opts.env }, maxBuffer: 64 << 20,
    });
    return { stdout: r.stdout?.toString() ?? '', stderr: r.stderr?.toString() ?? '', code: r.status ?? -1 };
  }

  docker(args: string[], opts: { input?: string | Buffer; timeout?: number } = {}): RunResult {
    const bin = dockerClient();
    if (!bin) throw new Error('no docker client installed');
    const r = spawnSync(bin, args, {
      input: opts.input, timeout: opts.timeout ?? 60_000, env: { ...process.env, DOCKER_HOST: this.host, DOCKER_CONFIG: join(this.dir, 'docker-config') }, maxBuffer: 64 << 20,
    });
    return { stdout: r.stdout?.toString() ?? '', stderr: r.stderr?.toString() ?? '', code: r.status ?? -1 };
  }

  /** Imports the busybox rootfs (Debian's busybox-static) as `name`; returns the image ID. */
  importBusybox(name = 'busybox:latest', changes: string[] = ['CMD ["sh"]']): string {
    const tar = spawnSync('bash', [join(repoRoot, 'scripts/busybox-rootfs.sh')], { maxBuffer: 64 << 20 }).stdout;
    const r = this.wharf(['import', ...changes.flatMap((c) => ['-c', c]), '-', name], { input: tar });
    if (r.code !== 0) throw new Error(`import failed: ${r.stderr}`);
    return r.stdout.trim();
  }
}

/**
 * A bridge name and a /24 no interface or route on the host uses: wt + 6 random hex digits, and a subnet in
 * 10.211-250.x.0/24 (away from wharf's own default pools) that /proc/net/route does not show.
 */
function uniqueBridge(): { bridge: string; bip: string } {
  const routes = readFileSync('/proc/net/route', 'utf8');
  for (;;) {
    const bridge = `wt${randomBytes(3).toString('hex')}`;
    const a = 211 + Math.floor(Math.random() * 40);
    const b = Math.floor(Math.random() * 256);
    const hexDest = [0, b, a, 10].map((x) => x.toString(16).padStart(2, '0')).join('').toUpperCase();
    if (existsSync(`/sys/class/net/${bridge}`) || routes.includes(hexDest)) continue;
    return { bridge, bip: `10.${a}.${b}.1/24` };
  }
}

/**
 * What wharfd leaves on the host by design when it stops (like dockerd: bridges and chains stay for the
 * next start): a test daemon's are removed here. Only this daemon's own chains and bridges are touched.
 */
export function removeDaemonNetwork(bridge: string, dataRoot: string): void {
  let state: { networks?: Array<{ Bridge?: string }>; sandboxes?: Record<string, { Netns: string; Endpoints: Record<string, { HostVeth: string }> }> } = {};
  try { state = JSON.parse(readFileSync(join(dataRoot, 'network/state.json'), 'utf8')); } catch { /* never started */ }
  for (const sb of Object.values(state.sandboxes ?? {})) {
    for (const ep of Object.values(sb.Endpoints)) spawnSync('ip', ['link', 'del', ep.HostVeth]);
    spawnSync('ip', ['netns', 'del', sb.Netns]);
  }
  const filter = `WHARF-${bridge}`;
  const post = `WHARF-POST-${bridge}`;
  const jumps = [
    ['filter', 'FORWARD', '-j', filter],
    ['nat', 'PREROUTING', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', filter],
    ['nat', 'OUTPUT', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', filter],
    ['nat', 'POSTROUTING', '-j', post],
  ];
  for (const [table, chain, ...rule] of jumps) {
    while (spawnSync('iptables', ['-w', '-t', table!, '-D', chain!, ...rule]).status === 0) { /* every copy */ }
  }
  for (const [table, chain] of [['filter', filter], ['nat', filter], ['nat', post]]) {
    spawnSync('iptables', ['-w', '-t', table!, '-F', chain!]);
    spawnSync('iptables', ['-w', '-t', table!, '-X', chain!]);
  }
  const bridges = new Set([bridge, ...(state.networks ?? []).map((n) => n.Bridge).filter((b): b is string => !!b)]);
  for (const b of bridges) if (existsSync(`/sys/class/net/${b}`)) spawnSync('ip', ['link', 'del', b]);
}

/** Asserts a CLI call succeeded, with its output in the failure message. */
export function ok(r: RunResult): string {
  if (r.code !== 0) throw new Error(`exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

/** Writes `files` (relative path → content) under `root`/`name` and returns that directory (a build context). */
export function writeTree(root: string, name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [p, data] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), data);
  }
  return dir;
}

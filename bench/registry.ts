// Push and pull of a ~300 MB, 3-layer image (busybox + three 100 MB layers of random data) against a local
// Debian docker-registry on 127.0.0.1, plus save and load of the same image; wharf and, when a Docker engine
// runs here, docker side by side, with throughput and ratios (issue 7's goals: pull >= 2x Docker's
// throughput, push >= Docker's).
//   node scripts/build.mjs && RUNS=1 node dist/bench/registry.js      (needs root and docker-registry)
//   OPS=push,pull (default push,pull,save,load; load needs save) and ENGINES=wharf (default both) pick parts.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestDaemon } from '../test/helpers/daemon.js';
import { TestRegistry } from '../test/helpers/registry.js';
import { median, time } from './timing.js';

const RUNS = Number(process.env.RUNS ?? 2);
const LAYER_MB = Number(process.env.LAYER_MB ?? 100);
/** Which measures to take (default all): e.g. OPS=pull; ENGINES=wharf leaves Docker out. */
const OPS = (process.env.OPS ?? 'push,pull,save,load').split(',');
const ONLY = process.env.ENGINES?.split(',');

type Engine = { name: string; cli: string[]; env: NodeJS.ProcessEnv };

function run(e: Engine, args: string[], cwd?: string): void {
  const r = spawnSync(e.cli[0]!, [...e.cli.slice(1), ...args], { cwd, env: { ...process.env, ...e.env }, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${e.name} ${args.join(' ')} failed: ${r.stderr}`);
}

/** wharfd serving `socket`, or dockerd when no socket is given. */
function daemonPid(socket?: string): number | undefined {
  if (!socket) return Number(spawnSync('pidof', ['dockerd']).stdout.toString().trim().split(/\s+/)[0]) || undefined;
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      if (cmd.includes('wharfd') && cmd.includes(socket)) return Number(p);
    } catch { /* gone */ }
  }
  return undefined;
}

/** CPU ms of each thread of `pid`, by thread ID (node names them all "node"). */
function threadCpu(pid: number): Map<string, number> {
  const by = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const f = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      by.set(tid, (Number(f[11]) + Number(f[12])) * 10);
    } catch { /* gone */ }
  }
  return by;
}

/** utime + stime + cutime + cstime of `pid`, in ms. */
function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const hz = 100;
  return [11, 12, 13, 14].reduce((a, k) => a + Number(f[k]), 0) * (1000 / hz);
}

function out(e: Engine, args: string[]): string {
  const r = spawnSync(e.cli[0]!, [...e.cli.slice(1), ...args], { env: { ...process.env, ...e.env }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${e.name} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.toString();
}

async function main(): Promise<void> {
  const ctx = mkdtempSync(join(tmpdir(), 'wharf-bench-registry-'));
  const d = new TestDaemon('wharf-bench-registry');
  const reg = new TestRegistry();
  const dockerBin = ['/usr/bin/docker', '/usr/local/bin/docker'].find(existsSync);
  const dockerUp = !!dockerBin && spawnSync(dockerBin, ['version'], { stdio: 'ignore' }).status === 0;
  const wharf: Engine = { name: 'wharf', cli: ['bin/wharf'], env: { WHARF_HOST: d.host } };
  const docker: Engine = { name: 'docker', cli: [dockerBin ?? 'docker'], env: { DOCKER_BUILDKIT: '0' } };
  const engines = (dockerUp ? [wharf, docker] : [wharf]).filter((e) => !ONLY || ONLY.includes(e.name));
  const base = 'wharf-bench-registry-base:latest';
  const img = 'wharf-bench-registry:latest';
  const loadBefore = loadavg().map((x) => x.toFixed(2)).join(' ');
  try {
    await d.start();
    await reg.start();
    for (let i = 1; i <= 3; i++) {
      const r = spawnSync('sh', ['-c', `head -c ${LAYER_MB}M /dev/urandom > ${join(ctx, `blob${i}`)}`]);
      if (r.status !== 0) throw new Error('could not make random data');
    }
    writeFileSync(join(ctx, 'Dockerfile'), `FROM ${base}\nADD blob1 /blob1\nADD blob2 /blob2\nADD blob3 /blob3\n`);
    writeFileSync(join(ctx, 'busybox.tar'), spawnSync('bash', ['scripts/busybox-rootfs.sh'], { maxBuffer: 64 << 20 }).stdout);
    const remote = `${reg.host}/bench/big:latest`;
    const results: Record<string, Record<string, number[]>> = {};
    const chain: Record<string, string[]> = {};
    let mb = 0;
    for (const e of engines) {
      run(e, ['import', '-c', 'CMD ["sh"]', join(ctx, 'busybox.tar'), base]);
      run(e, ['build', '-q', '-t', img, ctx]);
      run(e, ['tag', img, remote]);
      // The build's intermediate images (they hold the three layers too): both engines' rmi prunes them with
      // the image (untagged parents); removing them by ID afterwards makes sure nothing is left either way.
      const baseId = out(e, ['image', 'inspect', '-f', '{{.Id}}', base]).trim();
      chain[e.name] = out(e, ['history', '-q', '--no-trunc', img]).split('\n').filter((x) => x.startsWith('sha256:') && x !== baseId);
      results[e.name] = { push: [], pull: [], save: [], load: [] };
      // Until a save gives the archive's size (OPS without save): the image's.
      mb ||= Number(out(e, ['image', 'inspect', '-f', '{{.Size}}', img]).trim()) / 1e6;
    }
    const dropAll = (e: Engine): void => {
      const refs = [img, remote];
      spawnSync(e.cli[0]!, [...e.cli.slice(1), 'rmi', '-f', ...refs], { env: { ...process.env, ...e.env }, stdio: 'ignore' });
      for (const id of chain[e.name]!) {
        const env = { env: { ...process.env, ...e.env }, stdio: 'ignore' as const };
        spawnSync(e.cli[0]!, [...e.cli.slice(1), 'rmi', '-f', id], env);
        if (spawnSync(e.cli[0]!, [...e.cli.slice(1), 'image', 'inspect', id], env).status === 0) throw new Error(`${e.name}: ${id} still there`);
      }
      spawnSync('sync');
    };
    // Runs alternate between the engines, so a machine whose load changes affects both alike.
    // Push: a fresh (empty) registry each run, so every blob is uploaded (a registry that has them answers
    // the HEAD or mounts them from the earlier repository, and nothing is measured).
    for (let i = 0; OPS.includes('push') && i < RUNS; i++) {
      for (const e of engines) {
        const fresh = new TestRegistry();
        await fresh.start();
        try {
          const ref = `${fresh.host}/bench/push:latest`;
          run(e, ['tag', img, ref]);
          results[e.name]!.push!.push(time([...e.cli, 'push', ref], e.env));
          run(e, ['rmi', ref]);
        } finally {
          await fresh.stop();
        }
      }
    }
    for (const e of engines) run(e, ['push', remote]);
    // Pull: the image and everything holding its layers removed first, so all three layers are fetched.
    // The daemons' CPU time (with their children: igzip, dockerd's docker-untar) is measured too: on a busy
    // machine it says more than the wall time, which depends on how the scheduler shares the cores.
    const pids: Record<string, number | undefined> = { wharf: daemonPid(d.socket), docker: daemonPid() };
    const cpu: Record<string, number[]> = { wharf: [], docker: [] };
    for (let i = 0; OPS.includes('pull') && i < RUNS; i++) {
      for (const e of engines) {
        dropAll(e);
        const pid = pids[e.name];
        const c0 = pid ? cpuMs(pid) : 0;
        const t0 = pid && process.env.THREADS ? threadCpu(pid) : undefined;
        // PERF=<dir>: a perf profile of the daemon during each pull (with WHARFD_NODE_ARGS=--perf-basic-prof
        // for wharfd's JavaScript frames), read with `perf report -i <dir>/<engine>-<run>.data`.
        const perf = pid && process.env.PERF
          ? spawn('perf', ['record', '-q', '-g', '-p', String(pid), '-o', join(process.env.PERF, `${e.name}-${i}.data`)], { stdio: 'ignore' })
          : undefined;
        if (perf) await new Promise((r) => setTimeout(r, 500));
        results[e.name]!.pull!.push(time([...e.cli, 'pull', remote], e.env));
        if (perf) {
          perf.kill('SIGINT');
          await new Promise((r) => perf.once('exit', r));
        }
        if (pid) cpu[e.name]!.push(cpuMs(pid) - c0);
        if (pid && t0) {
          // THREADS=1: where the daemon's CPU went: its main thread, then the others, busiest first (worker
          // threads, libuv's pool, V8's helpers; threads that ended are not seen).
          const parts = [...threadCpu(pid)].map(([k, v]) => [k, v - (t0.get(k) ?? 0)] as const).filter(([, v]) => v > 0);
          const main = parts.find(([k]) => k === String(pid))?.[1] ?? 0;
          const rest = parts.filter(([k]) => k !== String(pid)).map(([, v]) => v).sort((a, b) => b - a);
          console.log(`${e.name}d pull CPU: main thread ${main} ms, other threads ${rest.join(' ')} ms`);
        }
      }
    }
    for (const e of engines) run(e, ['tag', remote, img]);
    for (let i = 0; OPS.includes('save') && i < RUNS; i++) {
      for (const e of engines) {
        const tar = join(ctx, `${e.name}.tar`);
        rmSync(tar, { force: true });
        results[e.name]!.save!.push(time([...e.cli, 'save', '-o', tar, img], e.env));
        mb = statSync(tar).size / 1e6;
      }
    }
    for (let i = 0; OPS.includes('load') && i < RUNS; i++) {
      for (const e of engines) {
        dropAll(e);
        results[e.name]!.load!.push(time([...e.cli, 'load', '-i', join(ctx, `${e.name}.tar`)], e.env));
      }
    }
    for (const e of engines) {
      rmSync(join(ctx, `${e.name}.tar`), { force: true });
      dropAll(e);
      spawnSync(e.cli[0]!, [...e.cli.slice(1), 'rmi', '-f', base], { env: { ...process.env, ...e.env }, stdio: 'ignore' });
    }
    const loadAfter = loadavg().map((x) => x.toFixed(2)).join(' ');
    console.log(`image: busybox + 3 x ${LAYER_MB} MB random layers (${mb.toFixed(0)} MB saved), median of ${RUNS}, engines alternating; load average ${loadBefore} before, ${loadAfter} after`);
    for (const op of OPS) {
      const w = median(results.wharf![op]!);
      let line = `${op.padEnd(5)} wharf ${(w / 1000).toFixed(2).padStart(6)} s (${(mb / (w / 1000)).toFixed(0)} MB/s)`;
      if (results.docker) {
        const k = median(results.docker[op]!);
        line += `   docker ${(k / 1000).toFixed(2).padStart(6)} s (${(mb / (k / 1000)).toFixed(0)} MB/s)   wharf/docker time ${(w / k).toFixed(2)}x, throughput ${(k / w).toFixed(2)}x`;
      }
      console.log(line);
    }
    const cpuLine = engines.filter((e) => cpu[e.name]!.length).map((e) => `${e.name}d ${(median(cpu[e.name]!) / 1000).toFixed(2)} s`).join(', ');
    if (cpuLine) console.log(`pull  daemon CPU time (user+sys, with children), median: ${cpuLine}`);
    if (!dockerUp) console.log('docker engine not running: no comparison');
  } finally {
    await reg.stop();
    await d.cleanup();
    rmSync(ctx, { recursive: true, force: true });
  }
}

main().catch((err) => { console.error(err); process.exit(1); });

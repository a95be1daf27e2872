// Push and pull of a ~300 MB, 3-layer image (busybox + three 100 MB layers of random data) against a local
// Debian docker-registry on 127.0.0.1, plus save and load of the same image; wharf and, when a Docker engine
// runs here, docker side by side, with throughput and ratios (issue 7's goals: pull >= 2x Docker's
// throughput, push >= Docker's).
//   node scripts/build.mjs && RUNS=1 node dist/bench/registry.js      (needs root and docker-registry)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestDaemon } from '../test/helpers/daemon.js';
import { TestRegistry } from '../test/helpers/registry.js';
import { median, time } from './timing.js';

const RUNS = Number(process.env.RUNS ?? 2);
const LAYER_MB = Number(process.env.LAYER_MB ?? 100);

type Engine = { name: string; cli: string[]; env: NodeJS.ProcessEnv };

function run(e: Engine, args: string[], cwd?: string): void {
  const r = spawnSync(e.cli[0]!, [...e.cli.slice(1), ...args], { cwd, env: { ...process.env, ...e.env }, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${e.name} ${args.join(' ')} failed: ${r.stderr}`);
}

/** Median ms of RUNS runs of args, each preceded by prepare() (untimed). */
function bench(e: Engine, args: string[], prepare: () => void): number {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) { prepare(); samples.push(time([...e.cli, ...args], e.env)); }
  return median(samples);
}

async function main(): Promise<void> {
  const ctx = mkdtempSync(join(tmpdir(), 'wharf-bench-registry-'));
  const d = new TestDaemon('wharf-bench-registry');
  const reg = new TestRegistry();
  const dockerBin = ['/usr/bin/docker', '/usr/local/bin/docker'].find(existsSync);
  const dockerUp = !!dockerBin && spawnSync(dockerBin, ['version'], { stdio: 'ignore' }).status === 0;
  const wharf: Engine = { name: 'wharf', cli: ['bin/wharf'], env: { WHARF_HOST: d.host } };
  const docker: Engine = { name: 'docker', cli: [dockerBin ?? 'docker'], env: { DOCKER_BUILDKIT: '0' } };
  const engines = dockerUp ? [wharf, docker] : [wharf];
  const base = 'wharf-bench-registry-base:latest';
  const img = 'wharf-bench-registry:latest';
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
    const results: Record<string, Record<string, number>> = {};
    let mb = 0;
    for (const e of engines) {
      run(e, ['import', '-c', 'CMD ["sh"]', join(ctx, 'busybox.tar'), base]);
      run(e, ['build', '-q', '-t', img, ctx]);
      run(e, ['tag', img, remote]);
      const tar = join(ctx, `${e.name}.tar`);
      const r: Record<string, number> = {};
      // Push: a fresh repository each run, so every blob is uploaded.
      let n = 0;
      const pushes: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        n++;
        const ref = `${reg.host}/bench/${e.name}-push-${n}:latest`;
        run(e, ['tag', img, ref]);
        pushes.push(time([...e.cli, 'push', ref], e.env));
      }
      r.push = median(pushes);
      run(e, ['push', remote]);
      // Pull: remove the image (and everything built from the same layers) first so layers are fetched.
      const dropAll = (): void => {
        spawnSync(e.cli[0]!, [...e.cli.slice(1), 'rmi', '-f', img, remote, ...Array.from({ length: n }, (_, k) => `${reg.host}/bench/${e.name}-push-${k + 1}:latest`)], { env: { ...process.env, ...e.env }, stdio: 'ignore' });
      };
      r.pull = bench(e, ['pull', remote], dropAll);
      run(e, ['tag', remote, img]);
      r.save = bench(e, ['save', '-o', tar, img], () => rmSync(tar, { force: true }));
      mb = statSync(tar).size / 1e6;
      r.load = bench(e, ['load', '-i', tar], () => dropAll());
      results[e.name] = r;
      rmSync(tar, { force: true });
      spawnSync(e.cli[0]!, [...e.cli.slice(1), 'rmi', '-f', img, remote, base, ...Array.from({ length: n }, (_, k) => `${reg.host}/bench/${e.name}-push-${k + 1}:latest`)], { env: { ...process.env, ...e.env }, stdio: 'ignore' });
    }
    console.log(`image: busybox + 3 x ${LAYER_MB} MB random layers (${mb.toFixed(0)} MB saved), median of ${RUNS}`);
    for (const op of ['push', 'pull', 'save', 'load']) {
      const w = results.wharf![op]!;
      let line = `${op.padEnd(5)} wharf ${(w / 1000).toFixed(2).padStart(6)} s (${(mb / (w / 1000)).toFixed(0)} MB/s)`;
      if (results.docker) {
        const k = results.docker[op]!;
        line += `   docker ${(k / 1000).toFixed(2).padStart(6)} s (${(mb / (k / 1000)).toFixed(0)} MB/s)   wharf/docker time ${(w / k).toFixed(2)}x, throughput ${(k / w).toFixed(2)}x`;
      }
      console.log(line);
    }
    if (!dockerUp) console.log('docker engine not running: no comparison');
  } finally {
    await reg.stop();
    await d.cleanup();
    rmSync(ctx, { recursive: true, force: true });
  }
}

main().catch((err) => { console.error(err); process.exit(1); });

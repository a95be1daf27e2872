// Build times for a 15-step Dockerfile with a 50 MB / 2000-file context: cold (--no-cache), fully cached,
// and after changing one copied file; wharf and, when a Docker engine runs here, docker's classic builder
// (DOCKER_BUILDKIT=0) side by side, with ratios (goals: cached <= 0.3x docker, cold <= 0.7x). Each engine has
// its own copy of the context; the engines alternate phase by phase so a busy machine weighs on all alike.
//   node scripts/build.mjs && RUNS=3 node dist/bench/build.js      (needs root)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestDaemon } from '../test/helpers/daemon.js';

const RUNS = Number(process.env.RUNS ?? 3);

const dockerfile = (base: string): string => `FROM ${base}
ENV APP=/app
WORKDIR /app
LABEL bench=1
RUN echo one > /one
COPY src/ /app/src/
RUN ls /app/src | wc -l > /count
COPY small.txt /app/
ARG V=1
RUN echo $V > /v
EXPOSE 8080
USER 0
VOLUME /data
ENTRYPOINT ["sh"]
CMD ["-c", "cat /count"]
`;

function makeContext(base: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-ctx-'));
  mkdirSync(join(dir, 'src'));
  const chunk = Buffer.alloc(25 * 1024);
  for (let i = 0; i < 2000; i++) {
    chunk.writeUInt32LE(i, 0);
    writeFileSync(join(dir, 'src', `f${String(i).padStart(4, '0')}.bin`), chunk);
  }
  writeFileSync(join(dir, 'small.txt'), 'v1\n');
  writeFileSync(join(dir, 'Dockerfile'), dockerfile(base));
  return dir;
}

function time(argv: string[], env: NodeJS.ProcessEnv): number {
  // Untimed: the previous build's dirty pages written back first, so no build pays for another's writeback
  // (an fsync behind a cold docker build's layer data took seconds).
  spawnSync('sync');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  return ms;
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };

interface Figures { cold: number; cached: number; changed: number }

interface Engine { label: string; build: (extra: string[]) => string[]; env: NodeJS.ProcessEnv; ctx: string }

/**
 * Round by round, each phase on every engine before the next phase (cold on all, cached on all, one file
 * changed on all): on a machine other work shares, the load then weighs on both sides alike.
 */
function measure(engines: Engine[]): Map<string, Figures> {
  const all = new Map<string, { cold: number[]; cached: number[]; changed: number[] }>(engines.map((e) => [e.label, { cold: [], cached: [], changed: [] }]));
  for (let i = 0; i < RUNS; i++) {
    for (const e of engines) all.get(e.label)!.cold.push(time(e.build(['--no-cache']), e.env));
    for (const e of engines) all.get(e.label)!.cached.push(time(e.build([]), e.env));
    for (const e of engines) {
      writeFileSync(join(e.ctx, 'src', 'f0007.bin'), `changed ${e.label} ${i} ${Date.now()}`);
      all.get(e.label)!.changed.push(time(e.build([]), e.env));
    }
  }
  const out = new Map<string, Figures>();
  for (const e of engines) {
    const m = all.get(e.label)!;
    const f = { cold: median(m.cold), cached: median(m.cached), changed: median(m.changed) };
    out.set(e.label, f);
    console.log(`${e.label.padEnd(34)} cold ${f.cold.toFixed(0).padStart(6)} ms   cached ${f.cached.toFixed(0).padStart(6)} ms   one file changed ${f.changed.toFixed(0).padStart(6)} ms  (n=${RUNS})`);
    const list = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join(' ');
    console.log(`${''.padEnd(34)} (runs: cold ${list(m.cold)}; cached ${list(m.cached)}; changed ${list(m.changed)})`);
  }
  return out;
}

async function main(): Promise<void> {
  const d = new TestDaemon('wharf-bench-build');
  await d.start();
  // The docker client gets a wharfd of its own: two clients building the same Dockerfile with different
  // files on one daemon would take each other's cache entries (as on one dockerd: the newest match wins).
  const d2 = new TestDaemon('wharf-bench-build2');
  const ctxs: string[] = [];
  const context = (base: string): string => { const c = makeContext(base); ctxs.push(c); return c; };
  try {
    d.importBusybox('bb:latest', []);
    const engines: Engine[] = [];
    const wctx = context('bb');
    engines.push({ label: 'wharf build', build: (x) => ['bin/wharf', 'build', ...x, '-t', 'bench:1', wctx], env: { WHARF_HOST: d.host }, ctx: wctx });
    const dockerBin = ['/usr/bin/docker', '/usr/local/bin/docker'].find(existsSync);
    const up = dockerBin && spawnSync(dockerBin, ['version'], { stdio: 'ignore' }).status === 0;
    if (up) {
      await d2.start();
      d2.importBusybox('bb:latest', []);
      const vctx = context('bb');
      engines.push({ label: 'docker client -> wharfd', build: (x) => [dockerBin!, 'build', ...x, '-t', 'bench:2', vctx], env: { DOCKER_HOST: d2.host, DOCKER_BUILDKIT: '0' }, ctx: vctx });
      const imported = spawnSync('sh', ['-c', `bash scripts/busybox-rootfs.sh | ${dockerBin} import - wharf-bench-bb:latest`], { stdio: 'ignore' });
      if (imported.status !== 0) throw new Error('could not import busybox into docker');
      const dctx = context('wharf-bench-bb');
      engines.push({ label: 'docker build (classic) -> dockerd', build: (x) => [dockerBin!, 'build', ...x, '-t', 'wharf-bench-build:1', dctx], env: { DOCKER_BUILDKIT: '0' }, ctx: dctx });
    } else console.log('docker engine not running: no comparison');
    const f = measure(engines);
    console.log(`load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    if (!up) return;
    const w = f.get('wharf build')!;
    const viaDocker = f.get('docker client -> wharfd')!;
    const dk = f.get('docker build (classic) -> dockerd')!;
    const r = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
    console.log(`wharf/docker: cold ${r(w.cold, dk.cold)}, cached ${r(w.cached, dk.cached)}, one file changed ${r(w.changed, dk.changed)}`);
    console.log(`docker client -> wharfd / docker: cold ${r(viaDocker.cold, dk.cold)}, cached ${r(viaDocker.cached, dk.cached)}, one file changed ${r(viaDocker.changed, dk.changed)}`);
    spawnSync(dockerBin!, ['rmi', 'wharf-bench-build:1', 'wharf-bench-bb:latest'], { stdio: 'ignore' });
  } finally {
    for (const c of ctxs) rmSync(c, { recursive: true, force: true });
    await d.cleanup();
    await d2.cleanup();
  }
}

main().catch((err) => { console.error(err); process.exit(1); });

// Build times for a 15-step Dockerfile with a 50 MB / 2000-file context: cold (--no-cache), fully cached,
// and after changing one copied file; wharf and, when a Docker engine runs here, docker's classic builder
// (DOCKER_BUILDKIT=0) side by side, with ratios (goals: cached <= 0.3x docker, cold <= 0.7x).
//   node scripts/build.mjs && RUNS=3 node dist/bench/build.js      (needs root)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  return ms;
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };

interface Figures { cold: number; cached: number; changed: number }

function measure(label: string, build: (extra: string[]) => string[], env: NodeJS.ProcessEnv, ctx: string): Figures {
  const cold: number[] = [];
  const cached: number[] = [];
  const changed: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    cold.push(time(build(['--no-cache']), env));
    cached.push(time(build([]), env));
    writeFileSync(join(ctx, 'src', 'f0007.bin'), `changed ${label} ${i} ${Date.now()}`);
    changed.push(time(build([]), env));
  }
  const f = { cold: median(cold), cached: median(cached), changed: median(changed) };
  console.log(`${label.padEnd(34)} cold ${f.cold.toFixed(0).padStart(6)} ms   cached ${f.cached.toFixed(0).padStart(6)} ms   one file changed ${f.changed.toFixed(0).padStart(6)} ms  (n=${RUNS})`);
  return f;
}

async function main(): Promise<void> {
  const d = new TestDaemon('wharf-bench-build');
  await d.start();
  const ctx = makeContext('bb');
  try {
    d.importBusybox('bb:latest', []);
    const w = measure('wharf build', (x) => ['bin/wharf', 'build', ...x, '-t', 'bench:1', ctx], { WHARF_HOST: d.host }, ctx);
    const dockerBin = ['/usr/bin/docker', '/usr/local/bin/docker'].find(existsSync);
    const up = dockerBin && spawnSync(dockerBin, ['version'], { stdio: 'ignore' }).status === 0;
    if (!up) { console.log('docker engine not running: no comparison'); return; }
    const viaDocker = measure('docker client -> wharfd', (x) => [dockerBin!, 'build', ...x, '-t', 'bench:2', ctx], { DOCKER_HOST: d.host, DOCKER_BUILDKIT: '0' }, ctx);
    const imported = spawnSync('sh', ['-c', `bash scripts/busybox-rootfs.sh | ${dockerBin} import - wharf-bench-bb:latest`], { stdio: 'ignore' });
    if (imported.status !== 0) throw new Error('could not import busybox into docker');
    writeFileSync(join(ctx, 'Dockerfile'), dockerfile('wharf-bench-bb'));
    const dk = measure('docker build (classic) -> dockerd', (x) => [dockerBin!, 'build', ...x, '-t', 'wharf-bench-build:1', ctx], { DOCKER_BUILDKIT: '0' }, ctx);
    const r = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
    console.log(`wharf/docker: cold ${r(w.cold, dk.cold)}, cached ${r(w.cached, dk.cached)}, one file changed ${r(w.changed, dk.changed)}`);
    console.log(`docker client -> wharfd / docker: cold ${r(viaDocker.cold, dk.cold)}, cached ${r(viaDocker.cached, dk.cached)}, one file changed ${r(viaDocker.changed, dk.changed)}`);
    spawnSync(dockerBin!, ['rmi', 'wharf-bench-build:1', 'wharf-bench-bb:latest'], { stdio: 'ignore' });
  } finally {
    rmSync(ctx, { recursive: true, force: true });
    await d.cleanup();
  }
}

main().catch((err) => { console.error(err); process.exit(1); });

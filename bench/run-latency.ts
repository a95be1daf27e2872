// Median latency of `run --rm busybox true` for wharf and, in the same run when a Docker engine is
// installed, for docker, with the ratio (goal: wharf <= 0.5x docker).
//   npm run bench            (builds, then runs this; needs root)
//   RUNS=20 node dist/bench/run-latency.js
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { TestDaemon } from '../test/helpers/daemon.js';

const RUNS = Number(process.env.RUNS ?? 15);

function time(argv: string[], env: NodeJS.ProcessEnv): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function measure(label: string, argv: string[], env: NodeJS.ProcessEnv): number {
  time(argv, env); // warm-up: page cache, first mount
  const samples = Array.from({ length: RUNS }, () => time(argv, env));
  const m = median(samples);
  console.log(`${label.padEnd(28)} median ${m.toFixed(1).padStart(7)} ms  (min ${Math.min(...samples).toFixed(1)}, max ${Math.max(...samples).toFixed(1)}, n=${RUNS})`);
  return m;
}

async function main(): Promise<void> {
  const d = new TestDaemon('wharf-bench');
  await d.start();
  try {
    d.importBusybox('busybox:latest');
    const wharfMs = measure('wharf run --rm busybox true', ['bin/wharf', 'run', '--rm', 'busybox', 'true'], { WHARF_HOST: d.host });
    const dockerBin = ['/usr/bin/docker', '/usr/local/bin/docker'].find(existsSync);
    const dockerUp = dockerBin && spawnSync(dockerBin, ['version'], { stdio: 'ignore' }).status === 0;
    if (!dockerUp) { console.log('docker engine not running: no comparison'); return; }
    const imported = spawnSync('sh', ['-c', `bash scripts/busybox-rootfs.sh | ${dockerBin} import -c 'CMD ["sh"]' - wharf-bench-busybox:latest`], { stdio: 'ignore' });
    if (imported.status !== 0) throw new Error('could not import busybox into docker');
    const dockerMs = measure('docker run --rm busybox true', [dockerBin!, 'run', '--rm', 'wharf-bench-busybox:latest', 'true'], {});
    const viaDockerClient = measure('docker client -> wharfd', [dockerBin!, 'run', '--rm', 'busybox', 'true'], { DOCKER_HOST: d.host });
    console.log(`ratio wharf/docker: ${(wharfMs / dockerMs).toFixed(2)}x   (docker client -> wharfd: ${(viaDockerClient / dockerMs).toFixed(2)}x)`);
    spawnSync(dockerBin!, ['rmi', 'wharf-bench-busybox:latest'], { stdio: 'ignore' });
  } finally {
    await d.cleanup();
  }
}

main().catch((err) => { console.error(err); process.exit(1); });

// Median latency of `run --rm busybox true` for wharf and, in the same run when a Docker engine is
// installed, for docker, with the ratio (goal: wharf <= 0.5x docker). The columns run interleaved, run by run.
//   npm run bench            (builds, then runs this; needs root)
//   RUNS=20 node dist/bench/run-latency.js
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { TestDaemon } from '../test/helpers/daemon.js';
import { measureInterleaved } from './timing.js';

async function main(): Promise<void> {
  const d = new TestDaemon('wharf-bench');
  await d.start();
  const dockerBin = ['/usr/bin/docker', '/usr/local/bin/docker'].find(existsSync);
  try {
    d.importBusybox('busybox:latest');
    const wharf = { label: 'wharf run --rm busybox true', argv: ['bin/wharf', 'run', '--rm', 'busybox', 'true'], env: { WHARF_HOST: d.host } };
    const dockerUp = dockerBin && spawnSync(dockerBin, ['version'], { stdio: 'ignore' }).status === 0;
    if (!dockerUp) { console.log('docker engine not running: no comparison'); measureInterleaved([wharf], 28); return; }
    const imported = spawnSync('sh', ['-c', `bash scripts/busybox-rootfs.sh | ${dockerBin} import -c 'CMD ["sh"]' - wharf-bench-busybox:latest`], { stdio: 'ignore' });
    if (imported.status !== 0) throw new Error('could not import busybox into docker');
    const [wharfMs, dockerMs, viaDockerClient] = measureInterleaved([
      wharf,
      { label: 'docker run --rm busybox true', argv: [dockerBin!, 'run', '--rm', 'wharf-bench-busybox:latest', 'true'], env: {} },
      { label: 'docker client -> wharfd', argv: [dockerBin!, 'run', '--rm', 'busybox', 'true'], env: { DOCKER_HOST: d.host } },
    ], 28) as [number, number, number];
    console.log(`ratio wharf/docker: ${(wharfMs / dockerMs).toFixed(2)}x   (docker client -> wharfd: ${(viaDockerClient / dockerMs).toFixed(2)}x)`);
    spawnSync(dockerBin!, ['rmi', 'wharf-bench-busybox:latest'], { stdio: 'ignore' });
  } finally {
    await d.cleanup();
  }
}

main().catch((err) => { console.error(err); process.exit(1); });

// Median latency of `run --rm busybox true` for wharf and, in the same run when a Docker engine is
// installed, for docker, with the ratio (goal: wharf <= 0.5x docker).
//   npm run bench            (builds, then runs this; needs root)
//   RUNS=20 node dist/bench/run-latency.js
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { TestDaemon } from '../test/helpers/daemon.js';
import { measure as measureAs } from './timing.js';

const measure = (label: string, argv: string[], env: NodeJS.ProcessEnv): number => measureAs(label, argv, env, 28);

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

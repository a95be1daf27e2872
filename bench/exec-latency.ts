// Median latency of `exec <container> true` for wharf and, in the same run when a Docker engine is
// installed, for docker, with the ratio (issue 4's goal: wharf <= 0.5x docker). The columns run interleaved.
//   npm run build && node dist/bench/exec-latency.js     (needs root; RUNS=N to change the sample size)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { TestDaemon } from '../test/helpers/daemon.js';
import { measureInterleaved } from './timing.js';

async function main(): Promise<void> {
  const d = new TestDaemon('wharf-bench-exec');
  await d.start();
  const dockerBin = ['/usr/bin/docker', '/usr/local/bin/docker'].find(existsSync);
  let dockerCtr: string | undefined;
  try {
    d.importBusybox('busybox:latest');
    const ctr = d.wharf(['run', '-d', 'busybox', 'sleep', '3600']).stdout.trim();
    const wharf = { label: 'wharf exec <ctr> true', argv: ['bin/wharf', 'exec', ctr, 'true'], env: { WHARF_HOST: d.host } };
    const dockerUp = dockerBin && spawnSync(dockerBin, ['version'], { stdio: 'ignore' }).status === 0;
    if (!dockerUp) { console.log('docker engine not running: no comparison'); measureInterleaved([wharf]); return; }
    const imported = spawnSync('sh', ['-c', `bash scripts/busybox-rootfs.sh | ${dockerBin} import -c 'CMD ["sh"]' - wharf-bench-busybox:latest`], { stdio: 'ignore' });
    if (imported.status !== 0) throw new Error('could not import busybox into docker');
    dockerCtr = spawnSync(dockerBin!, ['run', '-d', 'wharf-bench-busybox:latest', 'sleep', '3600'], { encoding: 'utf8' }).stdout.trim();
    const [wharfMs, dockerMs, viaDockerClient] = measureInterleaved([
      wharf,
      { label: 'docker exec <ctr> true', argv: [dockerBin!, 'exec', dockerCtr, 'true'], env: {} },
      { label: 'docker client -> wharfd', argv: [dockerBin!, 'exec', ctr, 'true'], env: { DOCKER_HOST: d.host } },
    ]) as [number, number, number];
    console.log(`ratio wharf/docker: ${(wharfMs / dockerMs).toFixed(2)}x   (docker client -> wharfd: ${(viaDockerClient / dockerMs).toFixed(2)}x)`);
  } finally {
    if (dockerCtr) spawnSync(dockerBin!, ['rm', '-f', dockerCtr], { stdio: 'ignore' });
    if (dockerBin) spawnSync(dockerBin, ['rmi', 'wharf-bench-busybox:latest'], { stdio: 'ignore' });
    await d.cleanup();
  }
}

main().catch((err) => { console.error(err); process.exit(1); });

// Per-container overhead: the resident memory of everything the engine keeps per running container, with 20
// idle containers, for wharf (conmon per container, plus wharfd's own growth) and, in the same run when a
// Docker engine is installed, for Docker (containerd-shim-runc-v2 per container, plus dockerd's and
// containerd's growth). Goal: wharf at most a quarter of Docker's.
//   npm run build && node dist/bench/container-overhead.js      (needs root; N=20 by default)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TestDaemon } from '../test/helpers/daemon.js';

const N = Number(process.env.N ?? 20);
const KB = 1024;

function rssKb(pid: number): number {
  try { return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0); } catch { return 0; }
}
function pidsMatching(test: (cmdline: string) => boolean): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    let cmd = '';
    try { cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' '); } catch { continue; }
    if (test(cmd)) out.push(Number(p));
  }
  return out;
}
const sum = (pids: number[]) => pids.reduce((a, p) => a + rssKb(p), 0);
const mb = (kb: number) => (kb / KB).toFixed(1);

function report(label: string, perContainerKb: number, engineDeltaKb: number): number {
  const total = perContainerKb / N + engineDeltaKb / N;
  console.log(`${label.padEnd(8)} monitors ${mb(perContainerKb / N).padStart(6)} MB/container   engine growth ${mb(engineDeltaKb / N).padStart(6)} MB/container   total ${mb(total).padStart(6)} MB/container`);
  return total;
}

async function main(): Promise<void> {
  const d = new TestDaemon('wharf-bench-overhead');
  await d.start();
  let wharfTotal = 0;
  try {
    d.importBusybox('busybox:latest');
    const daemonPid = pidsMatching((c) => c.includes('wharfd.js') && c.includes(d.dataRoot))[0]!;
    d.wharf(['run', '--rm', 'busybox', 'true']); // warm-up: first mount, code paths compiled
    const before = rssKb(daemonPid);
    const ids: string[] = [];
    for (let i = 0; i < N; i++) ids.push(d.wharf(['run', '-d', 'busybox', 'sleep', '3600']).stdout.trim());
    await new Promise((r) => setTimeout(r, 1000));
    const conmons = ids.map((id) => Number(readFileSync(join(d.dataRoot, 'runtime/c', id, 'conmon.pid'), 'utf8').trim()));
    wharfTotal = report('wharf', sum(conmons), rssKb(daemonPid) - before);
    d.wharf(['rm', '-f', ...ids]);
  } finally {
    await d.cleanup();
  }
  const docker = ['/usr/bin/docker', '/usr/local/bin/docker'].find(existsSync);
  if (!docker || spawnSync(docker, ['version'], { stdio: 'ignore' }).status !== 0) { console.log('docker engine not running: no comparison'); return; }
  const imported = spawnSync('sh', ['-c', `bash scripts/busybox-rootfs.sh | ${docker} import -c 'CMD ["sh"]' - wharf-bench-busybox:latest`], { stdio: 'ignore' });
  if (imported.status !== 0) throw new Error('could not import busybox into docker');
  const dockerd = pidsMatching((c) => c.startsWith('/usr/sbin/dockerd') || c.startsWith('dockerd'));
  const containerd = pidsMatching((c) => c.startsWith('/usr/bin/containerd ') || c.startsWith('containerd '));
  spawnSync(docker, ['run', '--rm', 'wharf-bench-busybox:latest', 'true'], { stdio: 'ignore' });
  const before = sum([...dockerd, ...containerd]);
  const ids: string[] = [];
  try {
    for (let i = 0; i < N; i++) ids.push(spawnSync(docker, ['run', '-d', 'wharf-bench-busybox:latest', 'sleep', '3600']).stdout.toString().trim());
    await new Promise((r) => setTimeout(r, 1000));
    const shims = pidsMatching((c) => c.includes('containerd-shim') && ids.some((id) => c.includes(id)));
    const dockerTotal = report('docker', sum(shims), sum([...dockerd, ...containerd]) - before);
    console.log(`ratio wharf/docker: ${(wharfTotal / dockerTotal).toFixed(2)}x  (shims found: ${shims.length}/${N})`);
  } finally {
    spawnSync(docker, ['rm', '-f', ...ids], { stdio: 'ignore' });
    spawnSync(docker, ['rmi', 'wharf-bench-busybox:latest'], { stdio: 'ignore' });
  }
}

main().catch((err) => { console.error(err); process.exit(1); });

// Before/after: `run --rm busybox true` and `exec <ctr> true` for this checkout and another one (BASE, e.g. a
// worktree of the commit before a change), each with its own wharfd and its own CLI, beside Docker, all
// interleaved run by run so a busy machine weighs on every column alike. Medians; ratios against Docker.
//   git worktree add --detach /tmp/base <commit> && (cd /tmp/base && npm ci && npm run build)
//   npm run build && BASE=/tmp/base RUNS=15 node dist/bench/ab-latency.js
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TestDaemon, repoRoot } from '../test/helpers/daemon.js';
import { median, RUNS, time } from './timing.js';

interface Column { label: string; argv: (what: 'run' | 'exec') => string[]; env: NodeJS.ProcessEnv }

async function daemonFrom(root: string, tag: string): Promise<{ d: { host: string; cleanup(): Promise<void> }; ctr: string }> {
  const { TestDaemon: Td } = await import(join(root, 'dist/test/helpers/daemon.js')) as { TestDaemon: typeof TestDaemon };
  const d = new Td(`wharf-ab-${tag}`);
  await d.start();
  d.importBusybox('busybox:latest');
  const ctr = d.wharf(['run', '-d', 'busybox', 'sleep', '3600']).stdout.trim();
  return { d, ctr };
}

async function main(): Promise<void> {
  const base = process.env.BASE;
  if (!base || !existsSync(join(base, 'dist/bin/wharfd.js'))) throw new Error('set BASE to a built checkout to compare with');
  const dockerBin = ['/usr/bin/docker', '/usr/local/bin/docker'].find(existsSync);
  const after = await daemonFrom(repoRoot, 'after');
  const before = await daemonFrom(base, 'before');
  let dockerCtr = '';
  try {
    const wharfCli = (root: string) => existsSync(join(root, 'bin/wharf')) ? [join(root, 'bin/wharf')] : [process.execPath, join(root, 'dist/bin/wharf.js')];
    const cols: Column[] = [
      { label: 'wharf before', env: { WHARF_HOST: before.d.host }, argv: (w) => [...wharfCli(base), ...(w === 'run' ? ['run', '--rm', 'busybox', 'true'] : ['exec', before.ctr, 'true'])] },
      { label: 'wharf after', env: { WHARF_HOST: after.d.host }, argv: (w) => [...wharfCli(repoRoot), ...(w === 'run' ? ['run', '--rm', 'busybox', 'true'] : ['exec', after.ctr, 'true'])] },
    ];
    if (dockerBin) {
      cols.push({ label: 'docker CLI -> wharfd before', env: { DOCKER_HOST: before.d.host }, argv: (w) => [dockerBin, ...(w === 'run' ? ['run', '--rm', 'busybox', 'true'] : ['exec', before.ctr, 'true'])] });
      cols.push({ label: 'docker CLI -> wharfd after', env: { DOCKER_HOST: after.d.host }, argv: (w) => [dockerBin, ...(w === 'run' ? ['run', '--rm', 'busybox', 'true'] : ['exec', after.ctr, 'true'])] });
      const up = spawnSync(dockerBin, ['version'], { stdio: 'ignore' }).status === 0;
      if (up) {
        spawnSync('sh', ['-c', `bash ${join(repoRoot, 'scripts/busybox-rootfs.sh')} | ${dockerBin} import -c 'CMD ["sh"]' - wharf-bench-busybox:latest`], { stdio: 'ignore' });
        dockerCtr = spawnSync(dockerBin, ['run', '-d', 'wharf-bench-busybox:latest', 'sleep', '3600'], { encoding: 'utf8' }).stdout.trim();
        cols.push({ label: 'docker CLI -> dockerd', env: {}, argv: (w) => [dockerBin, ...(w === 'run' ? ['run', '--rm', 'wharf-bench-busybox:latest', 'true'] : ['exec', dockerCtr, 'true'])] });
      }
    }
    for (const what of ['run', 'exec'] as const) {
      const samples = cols.map(() => [] as number[]);
      for (let i = 0; i <= RUNS; i++) cols.forEach((c, j) => { const ms = time(c.argv(what), c.env); if (i > 0) samples[j]!.push(ms); });
      const meds = samples.map(median);
      const docker = dockerCtr ? meds[meds.length - 1] : undefined;
      console.log(what === 'run' ? `run --rm busybox true (n=${RUNS})` : `exec <ctr> true (n=${RUNS})`);
      cols.forEach((c, j) => console.log(`  ${c.label.padEnd(30)} median ${meds[j]!.toFixed(1).padStart(7)} ms${docker ? `  ${(meds[j]! / docker).toFixed(2)}x docker` : ''}`));
    }
  } finally {
    if (dockerBin && dockerCtr) spawnSync(dockerBin, ['rm', '-f', dockerCtr], { stdio: 'ignore' });
    if (dockerBin) spawnSync(dockerBin, ['rmi', 'wharf-bench-busybox:latest'], { stdio: 'ignore' });
    await before.d.cleanup();
    await after.d.cleanup();
  }
}

main().catch((err) => { console.error(err); process.exit(1); });

// kill -9 wharfd while containers run: they keep running, their output is logged meanwhile, exits that
// happen while the daemon is down are found at the next start, and --rm containers are cleaned up.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestDaemon, ok, skipUnlessRoot } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-crash');

before(async () => {
  if (skipUnlessRoot) return;
  await d.start();
  d.importBusybox('busybox:latest');
});
after(async () => { if (!skipUnlessRoot) await d.cleanup(); });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('containers survive kill -9 of wharfd and are reconciled on restart', { skip: skipUnlessRoot }, async () => {
  ok(d.wharf(['run', '-d', '--name', 'survivor', 'busybox', 'sh', '-c', 'i=0; while [ $i -lt 100 ]; do i=$((i+1)); echo line$i; sleep 0.1; done; sleep 300']));
  ok(d.wharf(['run', '-d', '--name', 'quitter', 'busybox', 'sh', '-c', 'sleep 1; exit 42']));
  ok(d.wharf(['run', '-d', '--rm', '--name', 'ephemeral', 'busybox', 'sh', '-c', 'sleep 1']));
  const pid = ok(d.wharf(['inspect', '-f', '{{.State.Pid}}', 'survivor'])).trim();
  d.crash();
  await sleep(2500);
  // The process lives on without the daemon.
  process.kill(Number(pid), 0);
  await d.start();
  assert.equal(ok(d.wharf(['inspect', '-f', '{{.State.Status}} {{.State.Pid}}', 'survivor'])), `running ${pid}\n`);
  assert.equal(ok(d.wharf(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'quitter'])), 'exited 42\n');
  assert.equal(d.wharf(['inspect', 'ephemeral']).code, 1, '--rm container should be gone');
  await sleep(8000);
  const lines = ok(d.wharf(['logs', 'survivor'])).trim().split('\n');
  assert.equal(lines.length, 100);
  assert.equal(lines[99], 'line100');
  ok(d.wharf(['rm', '-f', 'survivor', 'quitter']));
});

test('a clean daemon stop leaves containers running (live-restore by default)', { skip: skipUnlessRoot }, async () => {
  ok(d.wharf(['run', '-d', '--name', 'steady', 'busybox', 'sleep', '300']));
  const pid = Number(ok(d.wharf(['inspect', '-f', '{{.State.Pid}}', 'steady'])).trim());
  await d.stop();
  process.kill(pid, 0);
  await d.start();
  assert.equal(ok(d.wharf(['inspect', '-f', '{{.State.Running}}', 'steady'])), 'true\n');
  ok(d.wharf(['rm', '-f', 'steady']));
});

test('kill -9 while an auto-removed container is still being released: the next start finishes the job', { skip: skipUnlessRoot }, async () => {
  const ls = (dir: string) => (existsSync(join(d.dataRoot, dir)) ? readdirSync(join(d.dataRoot, dir)) : []).filter((n) => /^[0-9a-f]{64}$/.test(n));
  const sandboxes = () => Object.values((JSON.parse(readFileSync(join(d.dataRoot, 'network/state.json'), 'utf8')) as { sandboxes: Record<string, { Key: string }> }).sandboxes);
  const before = { containers: ls('containers'), snapshots: ls('snapshots/active'), runtime: ls('runtime/c'), sandboxes: sandboxes().length };
  // `run --rm` is answered when the container is removed for clients; runc's state, the mount, the namespace,
  // the snapshot and the directory are released right after: the kill lands in the middle of that (or after).
  ok(d.wharf(['run', '--rm', '--name', 'cut-short', 'busybox', 'true']));
  d.crash();
  await d.start();
  assert.equal(d.wharf(['inspect', 'cut-short']).code, 1);
  const deadline = Date.now() + 15_000;
  let now = before;
  while (Date.now() < deadline) {
    now = { containers: ls('containers'), snapshots: ls('snapshots/active'), runtime: ls('runtime/c'), sandboxes: sandboxes().length };
    if (JSON.stringify(now) === JSON.stringify(before)) break;
    await sleep(100);
  }
  assert.deepEqual(now, before, 'nothing of the removed container is left');
  assert.equal(ok(d.wharf(['ps', '-a', '-q', '--filter', 'name=cut-short'])), '');
});

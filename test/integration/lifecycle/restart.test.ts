// Restart policies, dockerd's back-off, RestartCount, stop/kill semantics, and policies acting after a
// daemon restart (clean or kill -9), including for containers that exited while the daemon was down.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { TestDaemon, dockerClient, ok, skipUnlessRoot } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-restart');

before(async () => {
  if (skipUnlessRoot) return;
  await d.start();
  d.importBusybox('busybox:latest');
});
after(async () => { if (!skipUnlessRoot) await d.cleanup(); });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const inspect = (name: string, fmt: string) => ok(d.wharf(['inspect', '-f', fmt, name])).trim();

async function until(what: string, fn: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (fn()) return; await sleep(50); }
  assert.fail(`timed out waiting for ${what}`);
}

test('on-failure:N restarts a failing container N times, then leaves it exited', { skip: skipUnlessRoot }, async () => {
  ok(d.wharf(['run', '-d', '--name', 'rs-onfail', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'echo ran; exit 3']));
  await until('exited after retries', () => inspect('rs-onfail', '{{.State.Status}} {{.RestartCount}}') === 'exited 2');
  assert.equal(inspect('rs-onfail', '{{.State.ExitCode}} {{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}'), '3 on-failure:2');
  assert.equal(ok(d.wharf(['logs', 'rs-onfail'])), 'ran\nran\nran\n');
  // A zero exit is not a failure.
  ok(d.wharf(['run', '-d', '--name', 'rs-onfail0', '--restart', 'on-failure', 'busybox', 'true']));
  await until('exited', () => inspect('rs-onfail0', '{{.State.Status}}') === 'exited');
  await sleep(300);
  assert.equal(inspect('rs-onfail0', '{{.State.Status}} {{.RestartCount}}'), 'exited 0');
  // A manual start begins counting again (dockerd's ResetRestartManager).
  ok(d.wharf(['start', 'rs-onfail']));
  await until('retries again', () => inspect('rs-onfail', '{{.State.Status}} {{.RestartCount}}') === 'exited 2');
  ok(d.wharf(['rm', 'rs-onfail', 'rs-onfail0']));
});

test('always: back-off doubles from 100 ms, restarting state in ps and inspect, stop ends it', { skip: skipUnlessRoot }, async () => {
  ok(d.wharf(['run', '-d', '--name', 'rs-always', '--restart', 'always', 'busybox', 'sh', '-c', 'exit 5']));
  let seen = '';
  await until('restarting state', () => {
    seen = inspect('rs-always', '{{.State.Status}} {{.State.Running}} {{.State.Restarting}} {{.State.ExitCode}} {{.State.Pid}}');
    return seen.startsWith('restarting');
  });
  assert.equal(seen, 'restarting true true 5 0');
  await sleep(1600);
  // 100+200+400+800 ms of back-off fit in ~1.6 s: about 4-6 restarts, not the dozens an immediate restart makes.
  const count = Number(inspect('rs-always', '{{.RestartCount}}'));
  assert.ok(count >= 3 && count <= 7, `RestartCount ${count}`);
  const ps = ok(d.wharf(['ps', '--filter', 'name=rs-always', '--format', '{{.Status}}'])).trim();
  assert.match(ps, /^(Restarting \(5\) .+ ago|Up .+)$/);
  ok(d.wharf(['stop', 'rs-always']));
  assert.equal(inspect('rs-always', '{{.State.Status}} {{.State.Running}} {{.State.Restarting}}'), 'exited false false');
  const after1 = inspect('rs-always', '{{.RestartCount}}');
  await sleep(500);
  assert.equal(inspect('rs-always', '{{.State.Status}} {{.RestartCount}}'), `exited ${after1}`, 'a stopped container is not restarted');
  ok(d.wharf(['rm', 'rs-always']));
});

test('a running always container: kill does not restart it, wait returns on each exit, rm -f works while restarting', { skip: skipUnlessRoot }, async () => {
  ok(d.wharf(['run', '-d', '--name', 'rs-kill', '--restart', 'always', 'busybox', 'sleep', '300']));
  ok(d.wharf(['kill', 'rs-kill']));
  await until('exited', () => inspect('rs-kill', '{{.State.Status}}') === 'exited');
  await sleep(400);
  assert.equal(inspect('rs-kill', '{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}'), 'exited 137 0');
  // A process that exits by itself is restarted; `wait` answers at that exit like dockerd's waitStop.
  ok(d.wharf(['run', '-d', '--name', 'rs-loop', '--restart', 'always', 'busybox', 'sh', '-c', 'sleep 0.3; exit 7']));
  assert.equal(ok(d.wharf(['wait', 'rs-loop'])), '7\n');
  await until('restarting', () => inspect('rs-loop', '{{.State.Status}}') === 'restarting', 5000);
  const rm = d.wharf(['rm', 'rs-loop']);
  assert.equal(rm.code, 1);
  assert.match(rm.stderr, /You cannot remove a (restarting|running) container [0-9a-f]{64}\. Stop the container before attempting removal or force remove/);
  ok(d.wharf(['rm', '-f', 'rs-loop', 'rs-kill']));
  assert.equal(d.wharf(['inspect', 'rs-loop']).code, 1);
});

test('policies after a daemon restart: always comes back even after a stop, unless-stopped only if not stopped', { skip: skipUnlessRoot }, async () => {
  ok(d.wharf(['run', '-d', '--name', 'rb-always', '--restart', 'always', 'busybox', 'sleep', '300']));
  ok(d.wharf(['run', '-d', '--name', 'rb-unless', '--restart', 'unless-stopped', 'busybox', 'sleep', '300']));
  ok(d.wharf(['run', '-d', '--name', 'rb-unless-up', '--restart', 'unless-stopped', 'busybox', 'sleep', '300']));
  ok(d.wharf(['run', '-d', '--name', 'rb-no', 'busybox', 'sleep', '300']));
  ok(d.wharf(['stop', '-t', '0', 'rb-always', 'rb-unless', 'rb-no']));
  const upPid = inspect('rb-unless-up', '{{.State.Pid}}');
  await d.stop();
  // live-restore: a clean daemon stop leaves containers running.
  process.kill(Number(upPid), 0);
  await d.start();
  assert.equal(inspect('rb-always', '{{.State.Status}} {{.RestartCount}}'), 'running 0');
  assert.equal(inspect('rb-unless', '{{.State.Status}}'), 'exited');
  assert.equal(inspect('rb-no', '{{.State.Status}}'), 'exited');
  assert.equal(inspect('rb-unless-up', '{{.State.Status}} {{.State.Pid}}'), `running ${upPid}`);
  ok(d.wharf(['rm', '-f', 'rb-always', 'rb-unless', 'rb-unless-up', 'rb-no']));
});

test('kill -9 of wharfd: containers that exit meanwhile get their real exit code and their policy, --rm ones are removed', { skip: skipUnlessRoot }, async () => {
  const script = 'i=0; while [ $i -lt 30 ]; do i=$((i+1)); echo out$i; sleep 0.05; done; exit 9';
  const ids = [
    ok(d.wharf(['run', '-d', '--name', 'kc-onfail', '--restart', 'on-failure:1', 'busybox', 'sh', '-c', 'if [ -e /ran ]; then sleep 300; fi; touch /ran; sleep 1; exit 4'])),
    ok(d.wharf(['run', '-d', '--name', 'kc-plain', 'busybox', 'sh', '-c', script])),
    ok(d.wharf(['run', '-d', '--name', 'kc-unless', '--restart', 'unless-stopped', 'busybox', 'sh', '-c', 'if [ -e /ran ]; then sleep 300; fi; touch /ran; sleep 1; exit 0'])),
    ok(d.wharf(['run', '-d', '--rm', '--name', 'kc-rm', 'busybox', 'sh', '-c', 'sleep 1; exit 2'])),
  ].map((s) => s.trim());
  d.crash();
  // Still running without the daemon.
  assert.equal(existsSync(`${d.dataRoot}/runtime/c/${ids[1]}/exit`), false);
  // Wait (without the daemon) until every container's process has ended.
  await until('exits while the daemon is down', () => ids.every((id) => existsSync(`${d.dataRoot}/runtime/c/${id}/exit`)), 10_000);
  await d.start();
  assert.equal(inspect('kc-plain', '{{.State.Status}} {{.State.ExitCode}}'), 'exited 9');
  const out = ok(d.wharf(['logs', 'kc-plain'])).trim().split('\n');
  assert.deepEqual(out, Array.from({ length: 30 }, (_, i) => `out${i + 1}`));
  assert.equal(inspect('kc-onfail', '{{.State.Status}} {{.RestartCount}}'), 'running 0');
  assert.equal(inspect('kc-unless', '{{.State.Status}}'), 'running');
  assert.equal(d.wharf(['inspect', 'kc-rm']).code, 1, '--rm container should be gone');
  ok(d.wharf(['rm', '-f', 'kc-onfail', 'kc-plain', 'kc-unless']));
});

test('the docker client sees restart policies through wharfd', { skip: skipUnlessRoot || !dockerClient() ? 'needs root and a docker client' : false }, async () => {
  ok(d.docker(['run', '-d', '--name', 'rs-docker', '--restart', 'on-failure:1', 'busybox', 'sh', '-c', 'exit 1']));
  await until('exited', () => ok(d.docker(['inspect', '-f', '{{.State.Status}} {{.RestartCount}}', 'rs-docker'])).trim() === 'exited 1');
  assert.match(ok(d.docker(['ps', '-a', '--filter', 'name=rs-docker', '--format', '{{.Status}}'])), /^Exited \(1\) /);
  ok(d.docker(['rm', 'rs-docker']));
});

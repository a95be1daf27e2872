// Restart policies, dockerd's back-off, RestartCount, stop/kill semantics, and policies acting after a
// daemon restart (clean or kill -9), including for containers that exited while the daemon was down.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

async function until(what: string, fn: () => boolean, ms = 30_000): Promise<void> {
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
  const since = String(Math.floor(Date.now() / 1000));
  ok(d.wharf(['run', '-d', '--name', 'rs-always', '--restart', 'always', 'busybox', 'sh', '-c', 'exit 5']));
  let seen = '';
  await until('restarting state', () => {
    seen = inspect('rs-always', '{{.State.Status}} {{.State.Running}} {{.State.Restarting}} {{.State.ExitCode}} {{.State.Pid}}');
    return seen.startsWith('restarting');
  });
  assert.equal(seen, 'restarting true true 5 0');
  await until('4 restarts', () => Number(inspect('rs-always', '{{.RestartCount}}')) >= 4);
  // Each die -> start gap is at least the back-off: 100, 200, 400 ms (more under load, never less).
  const events = ok(d.wharf(['events', '--since', since, '--until', String(Math.ceil(Date.now() / 1000)), '--filter', 'container=rs-always', '--format', '{{json .}}']))
    .trim().split('\n').map((l) => JSON.parse(l) as { Action: string; timeNano: number }).filter((e) => e.Action === 'die' || e.Action === 'start');
  const gaps: number[] = [];
  for (let i = 1; i < events.length; i++) if (events[i - 1]!.Action === 'die' && events[i]!.Action === 'start') gaps.push((events[i]!.timeNano - events[i - 1]!.timeNano) / 1e6);
  assert.ok(gaps.length >= 3, `gaps ${gaps}`);
  // (The lower bounds are what proves the doubling: each gap is the back-off plus a start, and under load
  // one start can take longer than the next back-off, so comparing gaps with each other was a flake.)
  [100, 200, 400].forEach((min, i) => assert.ok(gaps[i]! >= min * 0.95, `back-off ${i}: ${gaps[i]} ms < ${min} ms (${gaps})`));
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
  // The containers wait for a file the test creates once the daemon is dead, so every exit (and the
  // output before it) happens while wharfd is down, however slow the machine is.
  const gate = join(d.dir, 'gate');
  mkdirSync(gate, { recursive: true });
  const wait = 'while [ ! -e /gate/go ]; do sleep 0.05; done;';
  const script = `${wait} i=0; while [ $i -lt 30 ]; do i=$((i+1)); echo out$i; sleep 0.02; done; exit 9`;
  const once = (code: number) => `if [ -e /ran ]; then exec sleep 300; fi; touch /ran; ${wait} exit ${code}`;
  const ids = [
    ok(d.wharf(['run', '-d', '--name', 'kc-onfail', '-v', `${gate}:/gate`, '--restart', 'on-failure:1', 'busybox', 'sh', '-c', once(4)])),
    ok(d.wharf(['run', '-d', '--name', 'kc-plain', '-v', `${gate}:/gate`, 'busybox', 'sh', '-c', script])),
    ok(d.wharf(['run', '-d', '--name', 'kc-unless', '-v', `${gate}:/gate`, '--restart', 'unless-stopped', 'busybox', 'sh', '-c', once(0)])),
    ok(d.wharf(['run', '-d', '--rm', '--name', 'kc-rm', '-v', `${gate}:/gate`, 'busybox', 'sh', '-c', `${wait} exit 2`])),
  ].map((s) => s.trim());
  d.crash();
  writeFileSync(join(gate, 'go'), '');
  // Wait (without the daemon) until every container's process has ended.
  try {
    await until('exits while the daemon is down', () => ids.every((id) => existsSync(`${d.dataRoot}/runtime/c/${id}/exit`)), 40_000);
  } finally {
    await d.start();
  }
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

// Health checks: --health-* flags and the image's HEALTHCHECK, run as execs in the container; State.Health in
// inspect, "(health: starting)"/"(healthy)"/"(unhealthy)" in ps, health_status events, timeouts, start period.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { TestDaemon, dockerClient, ok, skipUnlessRoot } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-health');

before(async () => {
  if (skipUnlessRoot) return;
  await d.start();
  d.importBusybox('busybox:latest');
});
after(async () => { if (!skipUnlessRoot) await d.cleanup(); });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const inspect = (name: string, fmt: string) => ok(d.wharf(['inspect', '-f', fmt, name])).trim();
interface Health { Status: string; FailingStreak: number; Log: Array<{ Start: string; End: string; ExitCode: number; Output: string }> }
const health = (name: string): Health => JSON.parse(inspect(name, '{{json .State.Health}}')) as Health;

async function until(what: string, fn: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (fn()) return; await sleep(100); }
  assert.fail(`timed out waiting for ${what}`);
}

/** busybox with a HEALTHCHECK in its config, made by editing a saved image (import -c cannot set one). */
function imageWithHealthcheck(tag: string, healthcheck: object): void {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-hc-'));
  try {
    ok(d.wharf(['save', '-o', join(dir, 'saved.tar'), 'busybox:latest']));
    execFileSync('tar', ['-x', '-C', dir, '-f', join(dir, 'saved.tar')]);
    rmSync(join(dir, 'saved.tar'));
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Array<{ Config: string; RepoTags: string[] }>;
    const config = JSON.parse(readFileSync(join(dir, manifest[0]!.Config), 'utf8')) as { config: Record<string, unknown> };
    config.config.Healthcheck = healthcheck;
    const bytes = Buffer.from(JSON.stringify(config));
    const name = `${createHash('sha256').update(bytes).digest('hex')}.json`;
    writeFileSync(join(dir, name), bytes);
    rmSync(join(dir, manifest[0]!.Config));
    manifest[0] = { ...manifest[0]!, Config: name, RepoTags: [tag] };
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    execFileSync('tar', ['-c', '-f', `${dir}.tar`, '-C', dir, '.']);
    ok(d.wharf(['load', '-i', `${dir}.tar`]));
  } finally { rmSync(dir, { recursive: true, force: true }); rmSync(`${dir}.tar`, { force: true }); }
}

test('starting -> unhealthy -> healthy, with events, Log and ps status', { skip: skipUnlessRoot }, async () => {
  const since = String(Math.floor(Date.now() / 1000));
  ok(d.wharf(['run', '-d', '--name', 'hc-flags', '--health-cmd', 'echo checking; test -e /tmp/ok', '--health-interval', '300ms', '--health-retries', '2',
    'busybox', 'sleep', '300']));
  // The first probe runs one interval after start: until then, "starting".
  ok(d.wharf(['run', '-d', '--name', 'hc-start', '--health-cmd', 'true', '--health-interval', '60s', 'busybox', 'sleep', '300']));
  assert.match(ok(d.wharf(['ps', '--filter', 'name=hc-start', '--format', '{{.Status}}'])), /^Up .+ \(health: starting\)\n$/);
  assert.deepEqual(health('hc-start'), { Status: 'starting', FailingStreak: 0, Log: [] });
  ok(d.wharf(['rm', '-f', 'hc-start']));
  await until('unhealthy', () => health('hc-flags').Status === 'unhealthy');
  assert.match(ok(d.wharf(['ps', '--filter', 'health=unhealthy', '--format', '{{.Names}} {{.Status}}'])), /^hc-flags Up .+ \(unhealthy\)\n$/);
  ok(d.wharf(['exec', 'hc-flags', 'touch', '/tmp/ok']));
  await until('healthy', () => health('hc-flags').Status === 'healthy');
  await sleep(1500);
  const h = health('hc-flags');
  assert.equal(h.FailingStreak, 0);
  assert.equal(h.Log.length, 5, 'the last 5 results are kept');
  assert.deepEqual(h.Log.at(-1) && { code: h.Log.at(-1)!.ExitCode, out: h.Log.at(-1)!.Output }, { code: 0, out: 'checking\n' });
  assert.ok(Date.parse(h.Log[0]!.Start) <= Date.parse(h.Log[0]!.End));
  assert.match(ok(d.wharf(['ps', '--filter', 'health=healthy', '--format', '{{.Status}}'])), /^Up .+ \(healthy\)\n$/);
  assert.equal(ok(d.wharf(['ps', '--filter', 'health=none', '--filter', 'name=hc-flags', '-q'])), '');
  const events = ok(d.wharf(['events', '--since', since, '--until', String(Math.ceil(Date.now() / 1000)), '--filter', 'container=hc-flags', '--format', '{{.Action}}']))
    .split('\n').filter((a) => a.startsWith('health_status') || a.startsWith('exec_create'));
  assert.deepEqual(events.filter((a) => a.startsWith('health_status')), ['health_status: unhealthy', 'health_status: healthy']);
  assert.equal(events[0], 'exec_create: /bin/sh -c echo checking; test -e /tmp/ok');
  // Stopping ends the monitor; dockerd then reports "unhealthy".
  ok(d.wharf(['stop', '-t', '0', 'hc-flags']));
  assert.equal(health('hc-flags').Status, 'unhealthy');
  assert.equal(ok(d.wharf(['ps', '-a', '--filter', 'name=hc-flags', '--format', '{{.Status}}'])).startsWith('Exited (137)'), true);
  ok(d.wharf(['rm', 'hc-flags']));
});

test("the image's HEALTHCHECK applies, flags override it field by field, --no-healthcheck disables it", { skip: skipUnlessRoot }, async () => {
  imageWithHealthcheck('hc-image:latest', { Test: ['CMD', 'sh', '-c', 'exit 0'], Interval: 60_000_000_000, Retries: 2 });
  ok(d.wharf(['run', '-d', '--name', 'hc-img', '--health-interval', '200ms', 'hc-image', 'sleep', '300']));
  assert.equal(inspect('hc-img', '{{json .Config.Healthcheck}}'), '{"Test":["CMD","sh","-c","exit 0"],"Interval":200000000,"Retries":2}');
  await until('healthy', () => health('hc-img').Status === 'healthy');
  ok(d.wharf(['run', '-d', '--name', 'hc-none', '--no-healthcheck', 'hc-image', 'sleep', '300']));
  assert.equal(inspect('hc-none', '{{json .Config.Healthcheck}} {{json .State.Health}}'), '{"Test":["NONE"],"Interval":60000000000,"Retries":2} null', 'as dockerd: only Test is replaced');
  assert.match(ok(d.wharf(['ps', '--filter', 'name=hc-none', '--format', '{{.Status}}'])), /^Up [^(]+\n$/);
  ok(d.wharf(['rm', '-f', 'hc-img', 'hc-none']));
});

test('a probe past its timeout fails with exit -1; the start period holds failures back', { skip: skipUnlessRoot }, async () => {
  ok(d.wharf(['run', '-d', '--name', 'hc-slow', '--health-cmd', 'sleep 5', '--health-timeout', '200ms', '--health-interval', '300ms', '--health-retries', '1', 'busybox', 'sleep', '300']));
  ok(d.wharf(['run', '-d', '--name', 'hc-grace', '--health-cmd', 'exit 1', '--health-interval', '200ms', '--health-retries', '1', '--health-start-period', '30s', 'busybox', 'sleep', '300']));
  await until('unhealthy', () => health('hc-slow').Status === 'unhealthy');
  const entry = health('hc-slow').Log[0]!;
  assert.deepEqual({ code: entry.ExitCode, out: entry.Output }, { code: -1, out: 'Health check exceeded timeout (200ms)' });
  await until('failures logged', () => health('hc-grace').Log.length >= 3);
  const g = health('hc-grace');
  assert.deepEqual({ s: g.Status, f: g.FailingStreak }, { s: 'starting', f: 0 });
  const bad = d.wharf(['run', '-d', '--health-cmd', 'true', '--health-interval', '1us', 'busybox', 'true']);
  assert.equal(bad.code, 125);
  assert.match(bad.stderr, /Interval in Healthcheck cannot be less than 1ms/);
  ok(d.wharf(['rm', '-f', 'hc-slow', 'hc-grace']));
});

test('health survives a daemon restart and shows through the docker client', { skip: skipUnlessRoot || !dockerClient() ? 'needs root and a docker client' : false }, async () => {
  ok(d.docker(['run', '-d', '--name', 'hc-docker', '--health-cmd', 'true', '--health-interval', '200ms', 'busybox', 'sleep', '300']));
  await until('healthy', () => ok(d.docker(['inspect', '-f', '{{.State.Health.Status}}', 'hc-docker'])).trim() === 'healthy');
  assert.match(ok(d.docker(['ps', '--filter', 'name=hc-docker', '--format', '{{.Status}}'])), /^Up .+ \(healthy\)\n$/);
  d.crash();
  await d.start();
  assert.equal(health('hc-docker').Status, 'healthy');
  const n = health('hc-docker').Log.at(-1)!.End;
  await until('probes resume', () => health('hc-docker').Log.at(-1)!.End !== n);
  ok(d.docker(['rm', '-f', 'hc-docker']));
});

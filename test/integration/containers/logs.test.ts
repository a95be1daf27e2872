// docker logs against a real wharfd: exact bytes per stream, --tail, --since/--until, -t, -f, TTY, and the
// max-size bound. Expected outputs were checked against Docker 20.10's json-file driver.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { TestDaemon, ok, skipUnlessRoot } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-logs');
const TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z $/;

before(async () => {
  if (skipUnlessRoot) return;
  await d.start();
  d.importBusybox('busybox:latest');
  ok(d.wharf(['run', '--name', 'lg-a', 'busybox', 'sh', '-c', 'echo a; echo e1 >&2; sleep 1.2; printf no; sleep 0.3; echo nl; sleep 1.2; echo c']));
});
after(async () => { if (!skipUnlessRoot) await d.cleanup(); });

test('streams apart, --tail N/all, a line written in pieces joined', { skip: skipUnlessRoot }, () => {
  const r = d.wharf(['logs', 'lg-a']);
  assert.equal(r.stdout, 'a\nnonl\nc\n');
  assert.equal(r.stderr, 'e1\n');
  assert.equal(ok(d.wharf(['logs', '--tail', '2', 'lg-a'])), 'nonl\nc\n');
  assert.equal(ok(d.wharf(['logs', '-n', 'all', 'lg-a'])), 'a\nnonl\nc\n');
  assert.equal(ok(d.wharf(['logs', '--tail', '0', 'lg-a'])), '');
  const missing = d.wharf(['logs', 'lg-nope']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'Error: No such container: lg-nope\n');
});

test('-t prints RFC 3339 with 9 fraction digits; --details adds the (empty) attributes and a space', { skip: skipUnlessRoot }, () => {
  const lines = ok(d.wharf(['logs', '-t', 'lg-a'])).split('\n').filter(Boolean);
  assert.deepEqual(lines.map((l) => l.slice(31)), ['a', 'nonl', 'c']);
  for (const l of lines) assert.match(l.slice(0, 31), TS);
  assert.equal(ok(d.wharf(['logs', '--details', 'lg-a'])), ' a\n nonl\n c\n');
});

test('--since/--until: RFC 3339, unix seconds, relative durations', { skip: skipUnlessRoot }, () => {
  const times = ok(d.wharf(['logs', '-t', 'lg-a'])).split('\n').filter(Boolean).map((l) => l.slice(0, 30));
  const secs = (t: string) => Date.parse(t.slice(0, 19) + 'Z') / 1000 + Number(`0.${t.slice(20, 29)}`);
  assert.equal(ok(d.wharf(['logs', '--since', times[1]!, 'lg-a'])), 'nonl\nc\n');
  assert.equal(ok(d.wharf(['logs', '--until', (secs(times[1]!) + 0.05).toFixed(3), 'lg-a'])), 'a\nnonl\n');
  assert.equal(ok(d.wharf(['logs', '--since', (secs(times[2]!) - 0.1).toFixed(3), 'lg-a'])), 'c\n');
  assert.equal(ok(d.wharf(['logs', '--since', '10m', 'lg-a'])), 'a\nnonl\nc\n');
  assert.equal(ok(d.wharf(['logs', '--until', '10m', 'lg-a'])), '');
  const bad = d.wharf(['logs', '--since', 'garbage', 'lg-a']);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, 'invalid value for "since": failed to parse value as time or duration: "garbage"\n');
});

test('-f follows until the container exits; a TTY container logs \\r\\n on stdout only', { skip: skipUnlessRoot }, () => {
  ok(d.wharf(['run', '-d', '--name', 'lg-f', 'busybox', 'sh', '-c', 'echo one; sleep 1; echo two >&2; sleep 1; echo three']));
  const t0 = Date.now();
  const r = d.wharf(['logs', '-f', 'lg-f'], { timeout: 15_000 });
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'one\nthree\n');
  assert.equal(r.stderr, 'two\n');
  assert.ok(Date.now() - t0 > 1000, 'follow waited for the output');
  ok(d.wharf(['run', '-t', '--name', 'lg-tty', 'busybox', 'sh', '-c', 'echo out; echo err >&2']));
  const tty = d.wharf(['logs', 'lg-tty']);
  assert.equal(tty.stdout, 'out\r\nerr\r\n');
  assert.equal(tty.stderr, '');
});

test('--log-opt max-size bounds the log and logs shows its tail', { skip: skipUnlessRoot }, () => {
  const script = 'i=0; while [ $i -lt 2500 ]; do echo "line $i ................................................................"; i=$((i+1)); done';
  ok(d.wharf(['run', '--name', 'lg-big', '--log-opt', 'max-size=10k', '--log-opt', 'max-file=3', 'busybox', 'sh', '-c', script]));
  const id = ok(d.wharf(['inspect', '-f', '{{.Id}}', 'lg-big'])).trim();
  // conmon cannot rotate: it truncates at max-size x max-file (Docker's disk budget), see containers/start.ts.
  assert.ok(statSync(join(d.dataRoot, 'containers', id, 'container.log')).size <= 30 * 1024);
  const out = ok(d.wharf(['logs', 'lg-big']));
  assert.ok(out.length < 30 * 1024 && out.length > 0);
  assert.ok(out.endsWith('line 2499 ................................................................\n'));
  assert.ok(!out.includes('line 0 '));
});

// Container lifecycle through the wharf CLI against a real wharfd: run, exit codes, stdin, logs, ps, stop,
// kill, rm, rename, pause, wait, inspect — each asserting on real state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { TestDaemon, ok, skipUnlessRoot } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-lifecycle');

before(async () => {
  if (skipUnlessRoot) return;
  await d.start();
  d.importBusybox('busybox:latest');
});
after(async () => { if (!skipUnlessRoot) await d.cleanup(); });

test('run prints the container output and returns its exit code', { skip: skipUnlessRoot }, () => {
  const r = d.wharf(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
  assert.equal(r.code, 3);
  assert.equal(r.stdout, 'out\n');
  assert.equal(r.stderr, 'err\n');
});

test('engine errors exit 125, missing and non-executable commands 127 and 126', { skip: skipUnlessRoot }, () => {
  const missing = d.wharf(['run', '--rm', 'busybox', 'no-such-binary']);
  assert.equal(missing.code, 127, missing.stderr);
  assert.match(missing.stderr, /executable file not found/);
  const notExec = d.wharf(['run', '--rm', 'busybox', '/etc/passwd']);
  assert.equal(notExec.code, 126, notExec.stderr);
  const noImage = d.wharf(['run', '--rm', 'no-such-image:nope', 'true']);
  assert.equal(noImage.code, 125, noImage.stderr);
});

test('-i pipes stdin into the container', { skip: skipUnlessRoot }, () => {
  const r = d.wharf(['run', '-i', '--rm', 'busybox', 'tr', 'a-z', 'A-Z'], { input: 'hello wharf\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'HELLO WHARF\n');
});

test('-i: megabytes of stdin arrive intact; input the process never reads does not cost its output', { skip: skipUnlessRoot }, () => {
  // conmon reads a stdin packet into 32 KiB and drops the rest; writes used to go out as 64 KiB packets
  // (half lost) or be joined into one the kernel refused (EMSGSIZE, which ended the attachment silently).
  const input = Buffer.alloc(3 << 20);
  for (let i = 0; i < input.length; i++) input[i] = (i * 7919) >> 5 & 0xff;
  const sum = createHash('md5').update(input).digest('hex');
  const r = d.wharf(['run', '-i', '--rm', 'busybox', 'sh', '-c', 'md5sum; echo done'], { input });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${sum}  -\ndone\n`);
  // The process exits with stdin unread: conmon's exit resets the socket (or our next write hits EPIPE),
  // and the output it had queued must still arrive.
  for (let i = 0; i < 4; i++) {
    const q = d.wharf(['run', '-i', '--rm', 'busybox', 'sh', '-c', 'echo a; echo b; echo c'], { input: Buffer.alloc(1 << 20, 0x79) });
    assert.equal(q.stdout, 'a\nb\nc\n', q.stderr);
  }
});

test('env, workdir, user, entrypoint, hostname and labels reach the process', { skip: skipUnlessRoot }, () => {
  const r = ok(d.wharf(['run', '--rm', '-e', 'A=1', '-w', '/tmp', '-u', '65534', '--hostname', 'box', '--entrypoint', 'sh', 'busybox', '-c', 'echo $A $(pwd) $(id -u) $(hostname)']));
  assert.equal(r, '1 /tmp 65534 box\n');
  const id = ok(d.wharf(['create', '-l', 'tier=web', '--name', 'labelled', 'busybox', 'true'])).trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  assert.equal(ok(d.wharf(['inspect', '-f', '{{.Config.Labels.tier}} {{.State.Status}} {{.Name}}', 'labelled'])), 'web created /labelled\n');
  ok(d.wharf(['rm', 'labelled']));
});

test('detached container: ps, logs with streams apart, stop, rm', { skip: skipUnlessRoot }, async () => {
  const id = ok(d.wharf(['run', '-d', '--name', 'ticker', 'busybox', 'sh', '-c', 'echo started; echo warn >&2; trap "exit 0" TERM; while true; do sleep 0.2; done'])).trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  await new Promise((r) => setTimeout(r, 700));
  const ps = ok(d.wharf(['ps', '--format', '{{.ID}} {{.Names}} {{.Status}}']));
  assert.match(ps, new RegExp(`^${id.slice(0, 12)} ticker Up `, 'm'));
  const logs = d.wharf(['logs', 'ticker']);
  assert.equal(logs.stdout, 'started\n');
  assert.equal(logs.stderr, 'warn\n');
  const t0 = Date.now();
  ok(d.wharf(['stop', 'ticker']));
  assert.ok(Date.now() - t0 < 5000, 'SIGTERM handler should stop it well before the 10 s timeout');
  assert.equal(ok(d.wharf(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'ticker'])), 'exited 0\n');
  assert.equal(ok(d.wharf(['ps', '-q'])), '');
  assert.match(ok(d.wharf(['ps', '-a', '--filter', 'name=ticker', '--format', '{{.Status}}'])), /^Exited \(0\) /);
  ok(d.wharf(['rm', 'ticker']));
  const gone = d.wharf(['inspect', 'ticker']);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /No such object: ticker/);
});

test('kill, wait, restart, pause and unpause', { skip: skipUnlessRoot }, async () => {
  ok(d.wharf(['run', '-d', '--name', 'sleeper', 'busybox', 'sleep', '300']));
  ok(d.wharf(['pause', 'sleeper']));
  assert.equal(ok(d.wharf(['inspect', '-f', '{{.State.Status}}', 'sleeper'])), 'paused\n');
  const rmPaused = d.wharf(['rm', 'sleeper']);
  assert.equal(rmPaused.code, 1);
  ok(d.wharf(['unpause', 'sleeper']));
  const pid1 = ok(d.wharf(['inspect', '-f', '{{.State.Pid}}', 'sleeper'])).trim();
  ok(d.wharf(['restart', '-t', '1', 'sleeper']));
  const pid2 = ok(d.wharf(['inspect', '-f', '{{.State.Pid}}', 'sleeper'])).trim();
  assert.notEqual(pid1, pid2);
  ok(d.wharf(['kill', 'sleeper']));
  assert.equal(ok(d.wharf(['wait', 'sleeper'])), '137\n');
  ok(d.wharf(['rm', 'sleeper']));
});

test('name conflicts are 409 and rename frees the old name', { skip: skipUnlessRoot }, () => {
  ok(d.wharf(['create', '--name', 'dup', 'busybox', 'true']));
  const again = d.wharf(['create', '--name', 'dup', 'busybox', 'true']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /Conflict. The container name "\/dup" is already in use by container/);
  ok(d.wharf(['rename', 'dup', 'dup2']));
  ok(d.wharf(['create', '--name', 'dup', 'busybox', 'true']));
  ok(d.wharf(['rm', 'dup', 'dup2']));
  const missing = d.wharf(['rm', 'dup']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'Error: No such container: dup\n');
});

test('resource limits land in the container cgroup', { skip: skipUnlessRoot }, () => {
  const out = ok(d.wharf(['run', '--rm', '-m', '64m', '--pids-limit', '50', '--cpus', '0.5', 'busybox', 'sh', '-c',
    'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max /sys/fs/cgroup/cpu.max']));
  const lines = out.trim().split('\n');
  assert.equal(lines[0], String(64 * 1024 * 1024));
  assert.equal(lines[1], '50');
  assert.match(lines[2]!, /^50000/);
});

test('read-only rootfs and capabilities', { skip: skipUnlessRoot }, () => {
  const ro = d.wharf(['run', '--rm', '--read-only', 'busybox', 'touch', '/x']);
  assert.notEqual(ro.code, 0);
  assert.match(ro.stderr, /Read-only file system/);
  const noChown = d.wharf(['run', '--rm', '--cap-drop', 'CHOWN', 'busybox', 'chown', '1', '/tmp']);
  assert.notEqual(noChown.code, 0);
  ok(d.wharf(['run', '--rm', 'busybox', 'chown', '1', '/tmp']));
  const priv = ok(d.wharf(['run', '--rm', '--privileged', 'busybox', 'sh', '-c', 'grep CapEff /proc/self/status']));
  assert.match(priv, /CapEff:\s+0*3?[0-9a-f]{9,}/);
});

test('container prune removes stopped containers only', { skip: skipUnlessRoot }, () => {
  ok(d.wharf(['run', '--name', 'done1', 'busybox', 'true']));
  ok(d.wharf(['run', '-d', '--name', 'live1', 'busybox', 'sleep', '300']));
  const out = ok(d.wharf(['container', 'prune', '-f']));
  assert.match(out, /Deleted Containers:\n[0-9a-f]{64}\n/);
  assert.equal(d.wharf(['inspect', 'done1']).code, 1);
  assert.equal(ok(d.wharf(['inspect', '-f', '{{.State.Running}}', 'live1'])), 'true\n');
  ok(d.wharf(['rm', '-f', 'live1']));
});

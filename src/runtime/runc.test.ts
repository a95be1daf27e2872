import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isConflict, isNotFound } from '../errors.js';
import { classify, deleteArgs, killArgs, runcMessage, stateArgs } from './runc.js';
import { conmonArgs, createError, nanoTime } from './monitor.js';
import { isInvalidParameter } from '../errors.js';

const g = { binary: '/usr/sbin/runc', root: '/d/runtime/runc' };

test('runc argv', () => {
  assert.deepEqual(stateArgs(g, 'x'), ['/usr/sbin/runc', '--root', '/d/runtime/runc', '--log-format', 'json', 'state', 'x']);
  assert.deepEqual(killArgs(g, 'x', 'SIGTERM').slice(5), ['kill', 'x', 'TERM']);
  assert.deepEqual(killArgs(g, 'x', '9', true).slice(5), ['kill', '--all', 'x', '9']);
  assert.deepEqual(deleteArgs(g, 'x', true).slice(5), ['delete', '--force', 'x']);
});

test('runc errors are classified from its JSON log', () => {
  const msg = runcMessage('{"level":"error","msg":"container does not exist","time":"2026-11-23T08:51:45Z"}\n');
  assert.equal(msg, 'container does not exist');
  const nf = classify('abc', msg);
  assert.ok(isNotFound(nf));
  assert.equal(nf.message, 'No such container: abc');
  assert.ok(isConflict(classify('abc', 'container not running')));
  assert.ok(isConflict(classify('abc', 'container not paused')));
});

test('conmon argv', () => {
  const paths = { exitDir: '/d/exits', runcRoot: '/d/runc', socketDir: '/d/sock', persistDir: (id: string) => `/d/c/${id}` };
  const a = conmonArgs({ id: 'c1', bundleDir: '/b', logPath: '/l.log', tty: false, openStdin: true, conmon: '/usr/bin/conmon', runtime: '/usr/sbin/runc', logMaxSize: 1000 }, paths);
  const after = (flag: string): string | undefined => a[a.indexOf(flag) + 1];
  assert.equal(after('--api-version'), '1');
  assert.equal(after('-b'), '/b');
  assert.equal(after('-l'), 'k8s-file:/l.log');
  assert.equal(after('--exit-dir'), '/d/exits');
  assert.equal(after('--persist-dir'), '/d/c/c1');
  assert.equal(after('--log-size-max'), '1000');
  assert.ok(a.includes('-i') && !a.includes('-t'));
  assert.deepEqual(a.slice(a.indexOf('--runtime-arg'), a.indexOf('--runtime-arg') + 4), ['--runtime-arg', '--root', '--runtime-arg', '/d/runc']);
  const t = conmonArgs({ id: 'c1', bundleDir: '/b', logPath: '/l', tty: true, openStdin: true, conmon: 'c', runtime: 'r' }, paths);
  assert.ok(t.includes('-t') && !t.includes('-i') && !t.includes('--log-size-max'));
});

test("create errors use Docker's wording and kind", () => {
  const e = createError('runc create failed: unable to start container process: exec: "/": permission denied\n');
  assert.equal(e.message, 'failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/": permission denied: unknown');
  assert.ok(isInvalidParameter(e));
  assert.ok(!isInvalidParameter(createError('runc create failed: unable to apply caps: operation not permitted')));
  assert.equal(nanoTime(1_700_000_000_123_456_789n), '2023-11-14T22:13:20.123456789Z');
});

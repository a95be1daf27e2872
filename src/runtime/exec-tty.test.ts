import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conmonExecArgs } from './index.js';

test('conmonExecArgs: exec mode with a terminal, attach socket and logs in the exec dir', () => {
  const args = conmonExecArgs({ conmon: '/usr/bin/conmon', runtime: '/usr/sbin/runc', runcRoot: '/r', id: 'abcdef0123456789', dir: '/x/e1', process: {} }, '/x/e1/process.json');
  assert.equal(args[0], '/usr/bin/conmon');
  assert.deepEqual(args.slice(-5), ['-t', '-e', '--exec-attach', '--exec-process-spec', '/x/e1/process.json']);
  const at = (flag: string) => args[args.indexOf(flag) + 1];
  assert.equal(at('-c'), 'abcdef0123456789');
  assert.equal(at('-b'), '/x/e1');
  assert.equal(at('--exit-dir'), '/x/e1/exits');
  assert.ok(args.includes('--full-attach'));
  assert.ok(args.join(' ').includes('--runtime-arg --root --runtime-arg /r'));
});

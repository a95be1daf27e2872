import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDaemonFlags, FlagError } from './flags.js';

test('defaults match the documented socket and data root', () => {
  const f = parseDaemonFlags([]);
  assert.equal(f.socketPath, '/run/wharf/wharf.sock');
  assert.equal(f.dataRoot, '/var/lib/wharf');
  assert.equal(f.runtime, 'runc');
});

test('dockerd-style flags in both spellings', () => {
  const f = parseDaemonFlags(['-H', 'unix:///tmp/x.sock', '--data-root=/tmp/d', '--runtime', 'crun', '-D']);
  assert.equal(f.socketPath, '/tmp/x.sock');
  assert.equal(f.dataRoot, '/tmp/d');
  assert.equal(f.runtime, 'crun');
  assert.equal(f.debug, true);
});

test('bad flags are errors, not silently ignored', () => {
  assert.throws(() => parseDaemonFlags(['--nope']), FlagError);
  assert.throws(() => parseDaemonFlags(['--runtime', 'kata']), /unknown runtime/);
  assert.throws(() => parseDaemonFlags(['-H', 'tcp://0.0.0.0:2375']), /only unix sockets/);
  assert.throws(() => parseDaemonFlags(['--data-root']), /needs an argument/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BuildCache } from './cache.js';

test('cache keys depend on the parent and the step config, not on the hostname', () => {
  const cfg = { Env: ['A=1'], Cmd: ['/bin/sh', '-c', '#(nop) ', 'ENV A=1'] };
  const k = BuildCache.key('sha256:p', cfg);
  assert.equal(k, BuildCache.key('sha256:p', { ...cfg, Hostname: 'abc' }));
  assert.notEqual(k, BuildCache.key('sha256:q', cfg));
  assert.notEqual(k, BuildCache.key('sha256:p', { ...cfg, Cmd: ['/bin/sh', '-c', '#(nop) ', 'ENV A=2'] }));
  assert.notEqual(k, BuildCache.key('sha256:p', { ...cfg, Env: ['A=2'] }));
});

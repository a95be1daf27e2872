import { test } from 'node:test';
import assert from 'node:assert/strict';
import { daemonEnvironment } from './daemon-env.js';

test('PATH, HOSTNAME, TERM, links first; the config replaces in place, appends the rest; a bare name unsets', () => {
  assert.deepEqual(daemonEnvironment(['PATH=/bin', 'FOO', 'A=1'], 'h1', true, ['DB_PORT=tcp://x']),
    ['PATH=/bin', 'HOSTNAME=h1', 'TERM=xterm', 'DB_PORT=tcp://x', 'A=1']);
  assert.deepEqual(daemonEnvironment(['HOSTNAME', 'B=2'], 'h1', false),
    ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'B=2']);
  assert.deepEqual(daemonEnvironment(['TERM=vt100', 'X=1=2'], 'h', true).slice(1), ['HOSTNAME=h', 'TERM=vt100', 'X=1=2']);
});

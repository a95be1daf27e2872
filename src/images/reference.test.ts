import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInvalidParameter } from '../errors.js';
import { applyChanges } from './changes.js';
import { familiarString, normalize, parseReference } from './reference.js';

test('references normalize and display like Docker', () => {
  assert.equal(normalize('busybox'), 'docker.io/library/busybox:latest');
  assert.equal(normalize('user/app:1'), 'docker.io/user/app:1');
  assert.equal(normalize('localhost:5000/x/y:tag'), 'localhost:5000/x/y:tag');
  assert.equal(normalize('host.io/x'), 'host.io/x:latest');
  const d = `sha256:${'a'.repeat(64)}`;
  assert.equal(normalize(`busybox@${d}`), `docker.io/library/busybox@${d}`);
  assert.equal(familiarString(parseReference('docker.io/library/busybox:latest')), 'busybox:latest');
  assert.equal(familiarString(parseReference('localhost:5000/x:tag')), 'localhost:5000/x:tag');
});

test('invalid references carry Docker messages', () => {
  assert.throws(() => parseReference('BusyBox'), (e: Error) => isInvalidParameter(e) && e.message === 'invalid reference format: repository name must be lowercase');
  assert.throws(() => parseReference('a b'), (e: Error) => e.message === 'invalid reference format');
  assert.throws(() => parseReference('x:'), (e: Error) => e.message === 'invalid reference format');
  assert.throws(() => parseReference('a'.repeat(64)), /cannot specify 64-byte hexadecimal strings/);
});

test('changes build a config like BuildFromConfig', () => {
  const c = applyChanges({}, ['CMD ["sh"]', 'ENV A=b C="d e"', 'ENTRYPOINT /bin/x', 'WORKDIR /app', 'WORKDIR sub', 'EXPOSE 80 53/udp', 'LABEL k=v', 'VOLUME /data', 'USER nobody', 'STOPSIGNAL SIGINT']);
  assert.deepEqual(c.Cmd, ['sh']);
  assert.deepEqual(c.Env, ['A=b', 'C=d e']);
  assert.deepEqual(c.Entrypoint, ['/bin/sh', '-c', '/bin/x']);
  assert.equal(c.WorkingDir, '/app/sub');
  assert.deepEqual(c.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
  assert.deepEqual(c.Labels, { k: 'v' });
  assert.deepEqual(c.Volumes, { '/data': {} });
  assert.equal(c.User, 'nobody');
  assert.equal(c.StopSignal, 'SIGINT');
  assert.throws(() => applyChanges({}, ['RUN ls']), /run is not a valid change command/);
});

// Legacy link variables and names, as dockerd 20.10 sets them (values taken side by side with it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkEnv, parseLink } from './links.js';

test('one exposed port, the child\'s env (HOME and PATH left out), the link name', () => {
  const env = linkEnv('/naughty_noyce/web', '172.17.0.2', ['PATH=/bin', 'FOO=bar', 'HOME=/root'], ['80/tcp']);
  assert.deepEqual(env, [
    'WEB_PORT=tcp://172.17.0.2:80',
    'WEB_PORT_80_TCP=tcp://172.17.0.2:80', 'WEB_PORT_80_TCP_ADDR=172.17.0.2', 'WEB_PORT_80_TCP_PORT=80', 'WEB_PORT_80_TCP_PROTO=tcp',
    'WEB_NAME=/naughty_noyce/web', 'WEB_ENV_FOO=bar',
  ]);
});

test('dashes become underscores; consecutive ports also as a range; TCP first', () => {
  const env = linkEnv('/p/my-db', '10.0.0.5', [], ['53/udp', '8001/tcp', '8000/tcp']);
  assert.equal(env[0], 'MY_DB_PORT=tcp://10.0.0.5:8000');
  assert.ok(env.includes('MY_DB_PORT_8000_TCP_START=tcp://10.0.0.5:8000'));
  assert.ok(env.includes('MY_DB_PORT_8000_TCP_PORT_END=8001'));
  assert.ok(env.includes('MY_DB_PORT_53_UDP=udp://10.0.0.5:53'));
  assert.ok(env.indexOf('MY_DB_PORT_8001_TCP=tcp://10.0.0.5:8001') < env.indexOf('MY_DB_PORT_53_UDP=udp://10.0.0.5:53'));
  assert.equal(env.at(-1), 'MY_DB_NAME=/p/my-db');
});

test('link specs: name, name:alias, the recorded /child:/parent/alias form; bad formats refused', () => {
  assert.deepEqual(parseLink('db', '/app'), { child: 'db', parent: 'app', alias: 'db' });
  assert.deepEqual(parseLink('db:data', '/app'), { child: 'db', parent: 'app', alias: 'data' });
  assert.deepEqual(parseLink('/db:/app/data', '/app'), { child: 'db', parent: 'app', alias: 'data' });
  assert.throws(() => parseLink('a:b:c', '/app'), /bad format for links: a:b:c/);
});

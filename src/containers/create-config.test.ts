import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostConfigOfBody, normalizeHostConfig, withRuntime } from './create-config.js';

test('HostConfig from a create body: the object, else top-level fields (dockerd\'s ContainerConfigWrapper)', () => {
  assert.equal(hostConfigOfBody({ Image: 'x', Cmd: ['true'] }), undefined);
  assert.deepEqual(hostConfigOfBody({ Image: 'x', Runtime: 'runc', Memory: 8388608 }), { Runtime: 'runc', Memory: 8388608 });
  assert.deepEqual(hostConfigOfBody({ Image: 'x', HostConfig: { Memory: 0, Privileged: true }, Memory: 8388608, Cpuset: '0', Privileged: false }),
    { Memory: 8388608, Privileged: true, CpusetCpus: '0' });
  assert.equal(hostConfigOfBody({ Image: 'x', HostConfig: null }), undefined);
});

test('Runtime: named at create when a HostConfig came, else only at the first start, after ShmSize', () => {
  assert.equal(normalizeHostConfig({}, 'runc').Runtime, 'runc');
  assert.equal(normalizeHostConfig({ Runtime: '' }, 'runc').Runtime, 'runc');
  assert.equal(normalizeHostConfig({ Runtime: 'crun' }, 'runc').Runtime, 'crun');
  const bare = normalizeHostConfig(undefined, 'runc');
  assert.ok(!('Runtime' in bare));
  const started = withRuntime(bare, 'runc');
  const keys = Object.keys(started);
  assert.equal(keys[keys.indexOf('ShmSize') + 1], 'Runtime');
  assert.equal(started.Runtime, 'runc');
  assert.equal(withRuntime(started, 'other'), started);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInitVersion, versionInfo } from './system-info.js';

test('parseInitVersion reads tini --version like dockerd', () => {
  assert.deepEqual(parseInitVersion('tini version 0.19.0 - git.de40ad0\n'), { version: '0.19.0', commit: 'de40ad0' });
  assert.deepEqual(parseInitVersion('tini version 0.19.0\n'), { version: '0.19.0', commit: '' });
  assert.equal(parseInitVersion('catatonit v0.1.7\n'), undefined);
});

test('/version has dockerd 20.10\'s shape: empty platform name, docker-init only when known', () => {
  const facts = { dataRoot: '/x', runtime: 'runc', runtimeVersion: '1.1.5', runtimeCommit: 'c', debug: false };
  const without = versionInfo(facts) as { Platform: { Name: string }; Components: Array<{ Name: string }> };
  assert.deepEqual(without.Platform, { Name: '' });
  assert.deepEqual(without.Components.map((c) => c.Name), ['Engine', 'wharf', 'runc']);
  const withInit = versionInfo({ ...facts, init: { version: '0.19.0', commit: '' } }) as { Components: unknown[] };
  assert.deepEqual(withInit.Components[3], { Name: 'docker-init', Version: '0.19.0', Details: { GitCommit: '' } });
});

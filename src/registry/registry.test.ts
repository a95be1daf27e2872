import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChallenges, credentials } from './auth.js';
import { RegistryHosts } from './hosts.js';
import { registryErrorText } from './http.js';
import { parsePlatform, selectManifest } from './platform.js';
import { progressString } from './progress.js';
import { DEFAULT_SETTINGS, type Descriptor } from './types.js';

test('progress strings are dockerd\'s (bar at 200 columns, go-units sizes)', () => {
  assert.equal(progressString(36445, 3001157), '[>                                                  ]  36.45kB/3.001MB');
  assert.equal(progressString(3001157, 3001157), '[==================================================>]  3.001MB/3.001MB');
  assert.equal(progressString(0, 0), '');
});

test('WWW-Authenticate challenges', () => {
  const [c] = parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"');
  assert.deepEqual(c, { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } });
  assert.equal(parseChallenges('Basic realm="x"')[0]!.scheme, 'basic');
  assert.deepEqual(credentials({ auth: Buffer.from('u:p:q').toString('base64') }), { username: 'u', password: 'p:q' });
  assert.equal(credentials({ username: 'u' }), undefined);
});

test('registry errors read like errcode.Errors', () => {
  const body = Buffer.from(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: {} }] }));
  assert.deepEqual(registryErrorText(404, body), { text: 'manifest unknown: manifest unknown', codes: ['MANIFEST_UNKNOWN'] });
  assert.equal(registryErrorText(502, Buffer.from('<html>')).text, 'received unexpected HTTP status: 502 Bad Gateway');
});

test('platforms: parse, normalize, select', () => {
  assert.deepEqual(parsePlatform('linux/arm64'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
  assert.deepEqual(parsePlatform('linux/x86_64'), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(parsePlatform('linux/arm/v6'), { os: 'linux', architecture: 'arm', variant: 'v6' });
  assert.throws(() => parsePlatform('linux/a b'), /unknown operating system or architecture/);
  const d = (arch: string, variant?: string): Descriptor => ({ mediaType: 'x', digest: `sha256:${arch}${variant ?? ''}`, size: 1, platform: { os: 'linux', architecture: arch, ...(variant ? { variant } : {}) } });
  const list = [d('arm', 'v6'), d('arm', 'v7'), d('arm64', 'v8'), d('amd64')];
  assert.equal(selectManifest(list, { os: 'linux', architecture: 'amd64' })?.digest, 'sha256:amd64');
  assert.equal(selectManifest(list, parsePlatform('linux/arm/v7'))?.digest, 'sha256:armv7');
  assert.equal(selectManifest(list, parsePlatform('linux/arm64'))?.digest, 'sha256:arm64v8');
  assert.equal(selectManifest([d('s390x')], { os: 'linux', architecture: 'amd64' }), undefined);
});

test('insecure registries: 127.0.0.0/8 always, listed hosts and CIDRs; HTTPS first, then HTTP', () => {
  const h = new RegistryHosts({ ...DEFAULT_SETTINGS, insecureRegistries: ['myreg:5000', '10.0.0.0/8'], mirrors: ['http://127.0.0.1:5001'] });
  assert.ok(h.isInsecure('127.0.0.1:5000'));
  assert.ok(h.isInsecure('localhost:5000'));
  assert.ok(h.isInsecure('myreg:5000'));
  assert.ok(h.isInsecure('10.1.2.3:443'));
  assert.ok(!h.isInsecure('registry.example.com'));
  const [ep] = h.endpoints('127.0.0.1:5000');
  assert.equal(ep!.url, 'https://127.0.0.1:5000');
  assert.equal(ep!.tls.rejectUnauthorized, false);
  assert.equal(ep!.fallback?.url, 'http://127.0.0.1:5000');
  assert.deepEqual(h.endpoints('docker.io').map((e) => e.url), ['http://127.0.0.1:5001', 'https://registry-1.docker.io']);
  assert.deepEqual(h.endpoints('docker.io', true).map((e) => e.url), ['https://registry-1.docker.io']);
  assert.equal(h.endpoints('example.com')[0]!.fallback, undefined);
});

// Push to a real registry and the round trips: import -> push -> rmi -> pull -> run; HEAD-skip and
// cross-repository mount; the real docker client pushing through wharfd; and the real dockerd pushing what
// wharf pulls (and pulling what wharf pushes) with identical digests and image IDs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { TestDaemon, ok, skipUnlessRoot, dockerClient } from '../../helpers/daemon.js';
import { TestRegistry, skipUnlessRegistry } from '../../helpers/registry.js';

const skip = skipUnlessRoot || skipUnlessRegistry;
const d = new TestDaemon('wharf-push');
const reg = new TestRegistry();
let bbId = '';

const REAL_SOCK = '/var/run/docker.sock';
const realDocker = (args: string[]) => {
  const r = spawnSync('/usr/bin/docker', ['-H', `unix://${REAL_SOCK}`, ...args], { timeout: 120_000, maxBuffer: 64 << 20 });
  return { stdout: r.stdout?.toString() ?? '', stderr: r.stderr?.toString() ?? '', code: r.status ?? -1 };
};
const haveRealDocker = existsSync(REAL_SOCK) && existsSync('/usr/bin/docker') && realDocker(['version']).code === 0;

before(async () => {
  if (skip) return;
  await Promise.all([d.start(), reg.start()]);
  bbId = d.importBusybox(`${reg.host}/round/bb:1`);
});
after(async () => { if (!skip) await Promise.all([d.cleanup(), reg.stop()]); });

async function registryDigest(repo: string, tag: string): Promise<string> {
  const r = await reg.get(`/v2/${repo}/manifests/${tag}`, { Accept: 'application/vnd.docker.distribution.manifest.v2+json' });
  assert.equal(r.status, 200);
  return String(r.headers['docker-content-digest']);
}

test('push, rmi, pull, run: the round trip keeps the image ID', { skip }, async () => {
  const ref = `${reg.host}/round/bb:1`;
  const out = ok(d.wharf(['push', ref]));
  const lines = out.trim().split('\n');
  const layer = JSON.parse(ok(d.wharf(['image', 'inspect', ref])))[0].RootFS.Layers[0].slice(7, 19);
  assert.deepEqual(lines.slice(0, 3), [`The push refers to repository [${reg.host}/round/bb]`, `${layer}: Preparing`, `${layer}: Pushed`]);
  const m = /^1: digest: (sha256:[0-9a-f]{64}) size: (\d+)$/.exec(lines[3]!);
  assert.ok(m, lines[3]);
  assert.equal(await registryDigest('round/bb', '1'), m[1]);
  const manifest = JSON.parse((await reg.get('/v2/round/bb/manifests/1', { Accept: 'application/vnd.docker.distribution.manifest.v2+json' })).body.toString());
  assert.equal(manifest.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
  assert.equal(manifest.config.digest, bbId);
  // Pushing again: the layer is already there.
  assert.match(ok(d.wharf(['push', ref])), new RegExp(`${layer}: Layer already exists\n1: digest: ${m[1]} size: ${m[2]}\n`));
  assert.match(ok(d.wharf(['rmi', ref])), /Deleted: /);
  ok(d.wharf(['pull', ref]));
  assert.equal(ok(d.wharf(['image', 'inspect', '-f', '{{.Id}} {{json .RepoDigests}}', ref])).trim(), `${bbId} ["${reg.host}/round/bb@${m[1]}"]`);
  assert.equal(ok(d.wharf(['run', '--rm', ref, 'echo', 'round trip'])), 'round trip\n');
});

test('a pulled image (its layer tar kept as a tar-split record) pushes to another registry byte for byte', { skip }, async () => {
  const ref = `${reg.host}/round/bb:1`; // pulled by the round trip above
  const diffId = JSON.parse(ok(d.wharf(['image', 'inspect', ref])))[0].RootFS.Layers[0] as string;
  assert.equal(existsSync(join(d.dataRoot, 'image/blobs/sha256', diffId.slice(7))), false, 'a pull stores no layer blob');
  const other = new TestRegistry();
  await other.start();
  try {
    const to = `${other.host}/copy/bb:1`;
    ok(d.wharf(['tag', ref, to]));
    assert.match(ok(d.wharf(['push', to])), /: Pushed\n/);
    const manifest = JSON.parse((await other.get('/v2/copy/bb/manifests/1', { Accept: 'application/vnd.docker.distribution.manifest.v2+json' })).body.toString());
    assert.equal(manifest.config.digest, bbId);
    const blob = (await other.get(`/v2/copy/bb/blobs/${manifest.layers[0].digest}`)).body;
    assert.equal(`sha256:${createHash('sha256').update(gunzipSync(blob)).digest('hex')}`, diffId);
    ok(d.wharf(['rmi', to]));
  } finally {
    await other.stop();
  }
});

test('another repository on the same registry gets the layer by cross-repository mount', { skip }, () => {
  const ref = `${reg.host}/other/bb:2`;
  ok(d.wharf(['tag', `${reg.host}/round/bb:1`, ref]));
  const out = ok(d.wharf(['push', ref]));
  assert.match(out, new RegExp(`: Mounted from ${reg.host.replace(/\./g, '\\.')}/round/bb\n`));
  // -q: nothing but the reference pushed, as docker/cli prints it.
  assert.equal(ok(d.wharf(['push', '-q', ref])), `${ref}\n`);
  assert.equal(d.wharf(['push', '-a', ref]).stderr, "tag can't be used with --all-tags/-a\n");
  const missing = d.wharf(['push', `${reg.host}/round/nosuch:1`]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stdout, `The push refers to repository [${reg.host}/round/nosuch]\n`);
  assert.equal(missing.stderr, `An image does not exist locally with the tag: ${reg.host}/round/nosuch\n`);
});

test('the real docker client pushes through wharfd', { skip: skip || !dockerClient() }, async () => {
  const ref = `${reg.host}/viadocker/bb:3`;
  ok(d.wharf(['tag', `${reg.host}/round/bb:1`, ref]));
  const r = d.docker(['push', ref]);
  assert.equal(r.code, 0, r.stderr);
  const digest = /3: digest: (sha256:[0-9a-f]{64}) size: \d+/.exec(r.stdout)?.[1];
  assert.ok(digest, r.stdout);
  assert.equal(await registryDigest('viadocker/bb', '3'), digest);
});

test('dockerd pushes, wharf pulls; wharf pushes, dockerd pulls: same digests and image IDs', { skip: skip || !haveRealDocker }, () => {
  const fromDocker = `${reg.host}/interop/fromdocker:1`;
  ok(realDocker(['tag', 'lead-bb:latest', fromDocker]));
  try {
    const pushed = ok(realDocker(['push', fromDocker]));
    const dockerDigest = /1: digest: (sha256:[0-9a-f]{64})/.exec(pushed)![1];
    const dockerId = ok(realDocker(['image', 'inspect', '-f', '{{.Id}}', fromDocker])).trim();
    const pulled = ok(d.wharf(['pull', fromDocker]));
    assert.match(pulled, new RegExp(`Digest: ${dockerDigest}\n`));
    assert.equal(ok(d.wharf(['image', 'inspect', '-f', '{{.Id}}', fromDocker])).trim(), dockerId);
    assert.equal(ok(d.wharf(['run', '--rm', fromDocker, 'echo', 'ok'])), 'ok\n');
  } finally {
    realDocker(['rmi', fromDocker]);
  }
  const fromWharf = `${reg.host}/interop/fromwharf:1`;
  ok(d.wharf(['tag', `${reg.host}/round/bb:1`, fromWharf]));
  const wharfDigest = /1: digest: (sha256:[0-9a-f]{64})/.exec(ok(d.wharf(['push', fromWharf])))![1];
  try {
    const out = ok(realDocker(['pull', fromWharf]));
    assert.match(out, new RegExp(`Digest: ${wharfDigest}\n`));
    assert.equal(ok(realDocker(['image', 'inspect', '-f', '{{.Id}}', fromWharf])).trim(), bbId);
    assert.equal(ok(realDocker(['run', '--rm', fromWharf, 'echo', 'ok'])), 'ok\n');
  } finally {
    realDocker(['rmi', fromWharf]);
  }
});

// Pull from a real registry (Debian's docker-registry on loopback): Docker schema 2 and OCI manifests, an
// OCI index with platform selection, shared layers skipped, RepoDigests, run's automatic pull, and the real
// docker client driving wharfd's POST /images/create with dockerd's progress messages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tarStream from 'tar-stream';
import { TestDaemon, ok, skipUnlessRoot, dockerClient } from '../../helpers/daemon.js';
import { TestRegistry, skipUnlessRegistry } from '../../helpers/registry.js';
import { busyboxTar, makeTar, uploadImage, uploadIndex, type UploadedImage } from '../../helpers/registry-upload.js';

const skip = skipUnlessRoot || skipUnlessRegistry;
const d = new TestDaemon('wharf-pull');
const reg = new TestRegistry();
let app: UploadedImage;
let oci: UploadedImage;
let arm: UploadedImage;
let indexDigest = '';

before(async () => {
  if (skip) return;
  await Promise.all([d.start(), reg.start()]);
  const base = busyboxTar();
  app = await uploadImage(reg.url, 'test/app', 'v1', [base, await makeTar([['hello.txt', 'hello from layer two\n']])], { cmd: ['cat', '/hello.txt'] });
  oci = await uploadImage(reg.url, 'test/multi', undefined, [base, await makeTar([['arch.txt', 'amd64\n']])], { oci: true });
  arm = await uploadImage(reg.url, 'test/multi', undefined, [await makeTar([['arch.txt', 'arm64\n']])], { oci: true, arch: 'arm64' });
  indexDigest = await uploadIndex(reg.url, 'test/multi', 'latest', [{ img: arm, arch: 'arm64', variant: 'v8' }, { img: oci, arch: 'amd64' }]);
});
after(async () => { if (!skip) await Promise.all([d.cleanup(), reg.stop()]); });

/**
 * A pulled layer's tar is kept as a tar-split record, not as a blob: `save` regenerates it from the layer's
 * files, byte for byte (each layer.tar hashes to its diffID).
 */
async function assertSavedFromRecords(ref: string, diffIds: string[]): Promise<void> {
  for (const id of diffIds) assert.equal(existsSync(join(d.dataRoot, 'image/blobs/sha256', id.slice(7))), false, `no blob for ${id}`);
  const file = join(d.dir, 'saved.tar');
  ok(d.wharf(['save', '-o', file, ref]));
  const ex = tarStream.extract();
  const sums: string[] = [];
  const done = (async () => {
    for await (const e of ex) {
      const h = createHash('sha256');
      for await (const c of e) if (e.header.name.endsWith('/layer.tar')) h.update(c as Buffer);
      if (e.header.name.endsWith('/layer.tar')) sums.push(`sha256:${h.digest('hex')}`);
    }
  })();
  ex.end(readFileSync(file));
  await done;
  rmSync(file);
  assert.deepEqual(sums.sort(), [...diffIds].sort());
}

test('pull a schema 2 image: docker\'s lines, verified layers, RepoDigests, runnable', { skip }, async () => {
  const ref = `${reg.host}/test/app:v1`;
  const out = ok(d.wharf(['pull', ref]));
  const [l0, l1] = app.layerDigests.map((x) => x.slice(7, 19));
  // Layers progress concurrently: the set of lines is dockerd's, their interleaving may differ.
  assert.deepEqual(out.split('\n').sort(), [
    'v1: Pulling from test/app',
    `${l0}: Pulling fs layer`, `${l1}: Pulling fs layer`,
    `${l0}: Verifying Checksum`, `${l0}: Download complete`,
    `${l1}: Verifying Checksum`, `${l1}: Download complete`,
    `${l0}: Pull complete`, `${l1}: Pull complete`,
    `Digest: ${app.manifestDigest}`, `Status: Downloaded newer image for ${ref}`, ref, '',
  ].sort());
  assert.match(out, /^v1: Pulling from test\/app\n/);
  assert.ok(out.endsWith(`Digest: ${app.manifestDigest}\nStatus: Downloaded newer image for ${ref}\n${ref}\n`));
  const inspect = JSON.parse(ok(d.wharf(['image', 'inspect', ref])))[0];
  assert.equal(inspect.Id, app.configDigest);
  assert.deepEqual(inspect.RepoDigests, [`${reg.host}/test/app@${app.manifestDigest}`]);
  // A format naming {{.Digest}} shows it without --digests (docker/cli's needDigest); a filter naming a tag
  // matches no digest reference, so dockerd lists none then.
  assert.equal(ok(d.wharf(['images', '--format', '{{.Repository}}:{{.Tag}} {{.Digest}}', `${reg.host}/test/app`])), `${ref} ${app.manifestDigest}\n`);
  assert.equal(ok(d.wharf(['images', '--format', '{{.Repository}}:{{.Tag}} {{.Digest}}', ref])), `${ref} <none>\n`);
  assert.deepEqual(inspect.RootFS.Layers, app.diffIds);
  assert.equal(ok(d.wharf(['run', '--rm', ref])), 'hello from layer two\n');
  await assertSavedFromRecords(ref, app.diffIds);
  // Again: nothing to download.
  assert.equal(ok(d.wharf(['pull', ref])), `v1: Pulling from test/app\nDigest: ${app.manifestDigest}\nStatus: Image is up to date for ${ref}\n${ref}\n`);
  assert.equal(ok(d.wharf(['pull', '-q', ref])), `${ref}\n`);
});

test('a big layer (hashed, inflated and unpacked on a worker thread) arrives intact, compressible or not', { skip }, async () => {
  // 12 MiB of random bytes, then 12 MiB of text: one 12.6 MB gzip layer, over the worker threshold (8 MiB).
  const random = randomBytes(12 << 20);
  const text = Buffer.from('wharf pulls big layers off the event loop\n'.repeat((12 << 20) / 42));
  const big = await uploadImage(reg.url, 'test/big', 'v1', [busyboxTar(), await makeTar([['random.bin', random], ['text.txt', text]])]);
  const ref = `${reg.host}/test/big:v1`;
  ok(d.wharf(['pull', '-q', ref]));
  assert.deepEqual(JSON.parse(ok(d.wharf(['image', 'inspect', ref])))[0].RootFS.Layers, big.diffIds);
  const sums = ok(d.wharf(['run', '--rm', ref, 'sha256sum', '/random.bin', '/text.txt']));
  const hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  assert.equal(sums, `${hex(random)}  /random.bin\n${hex(text)}  /text.txt\n`);
  await assertSavedFromRecords(ref, big.diffIds);
  ok(d.wharf(['rmi', ref]));
});

test('an OCI index: the host platform by default, --platform picks another; shared layers already exist', { skip }, () => {
  const ref = `${reg.host}/test/multi`;
  const out = ok(d.wharf(['pull', ref]));
  assert.match(out, /^Using default tag: latest\nlatest: Pulling from test\/multi\n/);
  // The busybox layer came with test/app.
  assert.match(out, new RegExp(`${oci.layerDigests[0]!.slice(7, 19)}: Already exists`));
  assert.match(out, new RegExp(`Digest: ${indexDigest}\n`));
  assert.equal(ok(d.wharf(['run', '--rm', ref, 'cat', '/arch.txt'])), 'amd64\n');
  assert.equal(ok(d.wharf(['image', 'inspect', '-f', '{{.Id}}', ref])).trim(), oci.configDigest);
  ok(d.wharf(['pull', '--platform', 'linux/arm64', ref]));
  assert.equal(ok(d.wharf(['image', 'inspect', '-f', '{{.Id}} {{.Architecture}}', ref])).trim(), `${arm.configDigest} arm64`);
  // By digest: only the digest reference is recorded.
  ok(d.wharf(['rmi', ref]));
  const byDigest = `${ref}@${indexDigest}`;
  assert.match(ok(d.wharf(['pull', byDigest])), new RegExp(`Status: Downloaded newer image for ${byDigest.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n`));
  assert.equal(ok(d.wharf(['image', 'inspect', '-f', '{{.Id}} {{json .RepoTags}}', byDigest])).trim(), `${oci.configDigest} []`);
});

test('run pulls a missing image like docker, progress on stderr', { skip }, () => {
  const img = `${reg.host}/test/app:v1`;
  d.wharf(['rmi', '-f', img]);
  const r = d.wharf(['run', '--rm', img]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'hello from layer two\n');
  assert.match(r.stderr, new RegExp(`^Unable to find image '${img.replace(/\./g, '\\.')}' locally\nv1: Pulling from test/app\n`));
  assert.match(r.stderr, /Status: Downloaded newer image/);
});

test('errors: unknown tag is a 404 with dockerd\'s text; a dead registry names the URL', { skip }, () => {
  const r = d.wharf(['pull', `${reg.host}/test/app:nosuch`]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `Error response from daemon: manifest for ${reg.host}/test/app:nosuch not found: manifest unknown: manifest unknown\n`);
  // "Error response from daemon" is how the client prints an HTTP error status (in-band errors have no prefix).
  const dead = d.wharf(['pull', '127.0.0.1:1/x:y']);
  assert.equal(dead.stderr, 'Error response from daemon: Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused\n');
  // Go's texts name the address dialled and the resolver asked (the first nameserver of resolv.conf).
  const local = d.wharf(['pull', 'localhost:1/x:y']);
  assert.match(local.stderr, /^Error response from daemon: Get "http:\/\/localhost:1\/v2\/": dial tcp (127\.0\.0\.1|\[::1\]):1: connect: connection refused\n$/);
  const ns = /^\s*nameserver\s+(\S+)/m.exec(readFileSync('/etc/resolv.conf', 'utf8'))?.[1] ?? '127.0.0.1';
  const unknown = d.wharf(['pull', 'no-such-host.invalid/x:y']);
  assert.equal(unknown.stderr, `Error response from daemon: Get "https://no-such-host.invalid/v2/": dial tcp: lookup no-such-host.invalid on ${ns.includes(':') ? `[${ns}]` : ns}:53: no such host\n`);
  // Nothing half-written: no temp files left behind.
  assert.deepEqual(readdirSync(join(d.dataRoot, 'image/tmp')), []);
  assert.deepEqual(readdirSync(join(d.dataRoot, 'snapshots/tmp')), []);
});

test('the real docker client pulls through wharfd', { skip: skip || !dockerClient() }, () => {
  const ref = `${reg.host}/test/app:v1`;
  d.wharf(['rmi', '-f', ref]);
  const r = d.docker(['pull', ref]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^v1: Pulling from test\/app\n/);
  assert.ok(r.stdout.endsWith(`Digest: ${app.manifestDigest}\nStatus: Downloaded newer image for ${ref}\n${ref}\n`));
  assert.equal(ok(d.docker(['image', 'inspect', '-f', '{{.Id}}', ref])).trim(), app.configDigest);
});

// Pulls from a misbehaving registry (test/helpers/fake-registry.ts): corrupt and truncated layers, 429/403/
// 5xx answers, transient 503s, a registry that stops sending, unknown media types. Each failure reads like
// dockerd's, retries are bounded, and nothing half-written stays in the store. Layers go through worker
// threads here (the big-layer path); pull.test.ts covers the in-process one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestDaemon, ok, skipUnlessRoot } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-faults');
let fake: ChildProcess | undefined;
let host = '';

before(async () => {
  if (skipUnlessRoot) return;
  fake = spawn(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), '../../helpers/fake-registry.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => fake!.stdout!.once('data', (b: Buffer) => resolve(Number(b.toString().trim()))));
  host = `127.0.0.1:${port}`;
  // Short idle timeout and back-off so the failure cases take seconds; three attempts per request.
  process.env.WHARF_REGISTRY_TIMEOUT_MS = '1500';
  process.env.WHARF_REGISTRY_RETRY_BASE_MS = '50';
  // Every layer through a layer worker thread (the path of big layers), so its failures are the ones tested.
  process.env.WHARF_LAYER_WORKER_MIN = '0';
  const cfg = join(d.dir, 'daemon.json');
  writeFileSync(cfg, JSON.stringify({ 'max-download-attempts': 3 }));
  await d.start(['--config-file', cfg]);
});
after(async () => {
  if (skipUnlessRoot) return;
  fake?.kill('SIGKILL');
  await d.cleanup();
});

function assertClean(): void {
  assert.deepEqual(readdirSync(join(d.dataRoot, 'image/tmp')), [], 'no spooled downloads left');
  assert.deepEqual(readdirSync(join(d.dataRoot, 'snapshots/tmp')), [], 'no half-unpacked layers left');
  assert.deepEqual(readdirSync(join(d.dataRoot, 'snapshots/layers')), [], 'no layer published');
  assert.equal(ok(d.wharf(['images', '-aq'])), '');
}

test('a layer whose bytes do not match its digest is refused', { skip: skipUnlessRoot }, () => {
  const r = d.wharf(['pull', `${host}/badlayer/x:1`]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^filesystem layer verification failed for digest sha256:[0-9a-f]{64}\n$/);
  assertClean();
});

test('a body that breaks off every time fails after bounded retries, with Docker\'s retry lines', { skip: skipUnlessRoot }, () => {
  const r = d.wharf(['pull', `${host}/truncated/x:1`]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /: Retrying in 1 second\n/);
  assert.match(r.stderr, /unexpected EOF/);
  assertClean();
});

test('a registry that stops sending times out instead of hanging', { skip: skipUnlessRoot }, () => {
  const started = Date.now();
  const r = d.wharf(['pull', `${host}/hang/x:1`], { timeout: 30_000 });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /i\/o timeout/);
  assert.ok(Date.now() - started < 25_000);
  assertClean();
});

test('429, 403 and 500 answers read like dockerd\'s', { skip: skipUnlessRoot }, () => {
  assert.equal(d.wharf(['pull', `${host}/ratelimit/x:1`]).stderr, 'Error response from daemon: toomanyrequests: You have reached your pull rate limit.\n');
  assert.equal(d.wharf(['pull', `${host}/denied/x:1`]).stderr,
    `Error response from daemon: pull access denied for ${host}/denied/x, repository does not exist or may require 'docker login': denied: requested access to the resource is denied\n`);
  assert.equal(d.wharf(['pull', `${host}/err500/x:1`]).stderr, 'Error response from daemon: received unexpected HTTP status: 500 Internal Server Error\n');
  assert.match(d.wharf(['pull', `${host}/badmedia/x:1`]).stderr, /unsupported media type application\/x-nonsense/);
  assertClean();
});

test('transient 503s on a layer are retried and the pull succeeds', { skip: skipUnlessRoot }, () => {
  const out = ok(d.wharf(['pull', `${host}/flaky/x:1`]));
  // The two 503s are absorbed by the request-level retry (back-off, bounded attempts).
  assert.match(out, /Status: Downloaded newer image for /);
  assert.equal(ok(d.wharf(['image', 'inspect', '-f', '{{len .RootFS.Layers}} {{.Size}}', `${host}/flaky/x:1`])).trim(), '1 200000');
});

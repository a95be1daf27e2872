// The real docker client (nobody here wrote it) driving wharfd through DOCKER_HOST.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TestDaemon, ok, skipUnlessRoot, dockerClient } from '../../helpers/daemon.js';

const skip = skipUnlessRoot || (dockerClient() ? false : 'no docker client installed');
const d = new TestDaemon('wharf-docker-client');

before(async () => {
  if (skip) return;
  await d.start();
  d.importBusybox('busybox:latest');
});
after(async () => { if (!skip) await d.cleanup(); });

test('docker version talks to wharfd', { skip }, () => {
  const out = ok(d.docker(['version', '--format', '{{.Server.APIVersion}}']));
  assert.equal(out, '1.41\n');
  // dockerd 20.10's shape: an empty platform name (a bare "Server:" line) and Engine, the layer under it, runc
  // and docker-init (tini's version, which --init runs) as components.
  const v = JSON.parse(ok(d.docker(['version', '--format', '{{json .Server}}']))) as { Platform: { Name: string }; Components: Array<{ Name: string; Version: string }> };
  assert.equal(v.Platform.Name, '');
  assert.deepEqual(v.Components.map((c) => c.Name), ['Engine', 'wharf', 'runc', 'docker-init']);
  assert.match(v.Components[3]!.Version, /^\d+\.\d+\.\d+$/);
  assert.match(ok(d.docker(['version'])), /\n\nServer:\n Engine:\n {2}Version: {10}20\.10\.24\n/);
});

test('docker run streams output and exit codes', { skip }, () => {
  const r = d.docker(['run', '--rm', 'busybox', 'sh', '-c', 'echo from-docker; echo e >&2; exit 7']);
  assert.equal(r.code, 7, r.stderr);
  assert.equal(r.stdout, 'from-docker\n');
  assert.equal(r.stderr, 'e\n');
});

test('docker run -i pipes stdin', { skip }, () => {
  const r = d.docker(['run', '-i', '--rm', 'busybox', 'wc', '-c'], { input: '12345' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), '5');
});

test('docker ps, logs, inspect, stop and rm against wharfd', { skip }, async () => {
  const id = ok(d.docker(['run', '-d', '--name', 'dc1', 'busybox', 'sh', '-c', 'echo hello; sleep 300'])).trim();
  await new Promise((r) => setTimeout(r, 500));
  assert.match(ok(d.docker(['ps'])), new RegExp(`${id.slice(0, 12)}\\s+busybox\\s+"sh -c 'echo hello; …"\\s+.*Up .*dc1`));
  assert.equal(ok(d.docker(['logs', 'dc1'])), 'hello\n');
  assert.equal(ok(d.docker(['inspect', '-f', '{{.State.Running}} {{.Config.Image}}', 'dc1'])), 'true busybox\n');
  ok(d.docker(['stop', '-t', '1', 'dc1']));
  ok(d.docker(['rm', 'dc1']));
  const gone = d.docker(['rm', 'dc1']);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /No such container: dc1/);
});

test('docker images, tag, rmi and save/load against wharfd', { skip }, () => {
  ok(d.docker(['tag', 'busybox', 'dc-tag:1']));
  assert.match(ok(d.docker(['images'])), /dc-tag\s+1\s+/);
  assert.equal(ok(d.docker(['rmi', 'dc-tag:1'])), 'Untagged: dc-tag:1\n');
  const tarPath = `${d.dir}/dc-save.tar`;
  ok(d.docker(['save', '-o', tarPath, 'busybox']));
  const id = ok(d.docker(['image', 'inspect', '-f', '{{.Id}}', 'busybox']));
  ok(d.docker(['rmi', 'busybox']));
  assert.equal(ok(d.docker(['load', '-i', tarPath])), 'Loaded image: busybox:latest\n');
  assert.equal(ok(d.docker(['image', 'inspect', '-f', '{{.Id}}', 'busybox'])), id);
});

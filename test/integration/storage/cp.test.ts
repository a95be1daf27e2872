// docker cp against a real wharfd: both directions, running and stopped containers, volumes, "-" tars, and
// escape attempts: a container that plants symlinks to / (and ..) must never make cp read or write the host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestDaemon, dockerClient, ok, skipUnlessRoot } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-cp');
const noDocker = skipUnlessRoot || (dockerClient() ? false : 'no docker client installed');
const local = mkdtempSync(join(tmpdir(), 'wharf-cp-local-'));

before(async () => {
  if (skipUnlessRoot) return;
  await d.start();
  d.importBusybox('busybox:latest');
});
after(async () => {
  if (!skipUnlessRoot) await d.cleanup();
  rmSync(local, { recursive: true, force: true });
});

test('cp out of and into a running container, files and directories, "/." and "-"', { skip: skipUnlessRoot }, async () => {
  ok(d.wharf(['run', '-d', '--name', 'cp-run', '-v', 'cp-vol:/vol', 'busybox', 'sh', '-c', 'mkdir -p /d/sub && echo a > /d/a && echo b > /d/sub/b && echo v > /vol/v && chmod 640 /d/a && sleep 300']));
  for (let i = 0; i < 50 && d.wharf(['exec', 'cp-run', 'cat', '/vol/v']).code !== 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(ok(d.wharf(['cp', 'cp-run:/d/a', join(local, 'a1')])), '', 'docker 20.10 prints nothing');
  assert.equal(readFileSync(join(local, 'a1'), 'utf8'), 'a\n');
  ok(d.wharf(['cp', 'cp-run:/d', join(local, 'dcopy')]));
  assert.equal(readFileSync(join(local, 'dcopy', 'sub', 'b'), 'utf8'), 'b\n');
  mkdirSync(join(local, 'into'));
  ok(d.wharf(['cp', 'cp-run:/d', join(local, 'into')]));
  assert.equal(readFileSync(join(local, 'into', 'd', 'a'), 'utf8'), 'a\n');
  mkdirSync(join(local, 'contents'));
  ok(d.wharf(['cp', 'cp-run:/d/.', join(local, 'contents')]));
  assert.equal(readFileSync(join(local, 'contents', 'sub', 'b'), 'utf8'), 'b\n');
  // Through a volume mount.
  ok(d.wharf(['cp', 'cp-run:/vol/v', join(local, 'v')]));
  assert.equal(readFileSync(join(local, 'v'), 'utf8'), 'v\n');
  // A tar on stdout.
  const t = spawnSync('tar', ['-t'], { input: Buffer.from(ok(d.wharf(['cp', 'cp-run:/d', '-'])), 'latin1') });
  assert.deepEqual(t.stdout.toString().split('\n').filter(Boolean).sort(), ['d/', 'd/a', 'd/sub/', 'd/sub/b']);

  writeFileSync(join(local, 'up'), 'up\n');
  ok(d.wharf(['cp', join(local, 'up'), 'cp-run:/d/']));
  ok(d.wharf(['cp', join(local, 'up'), 'cp-run:/d/renamed']));
  ok(d.wharf(['cp', join(local, 'dcopy'), 'cp-run:/vol/']));
  assert.equal(ok(d.wharf(['exec', 'cp-run', 'sh', '-c', 'cat /d/up /d/renamed /vol/dcopy/sub/b; stat -c %u /d/up'])), 'up\nup\nb\n0\n');

  const r = d.wharf(['cp', 'cp-run:/nope', local]);
  assert.deepEqual([r.code, r.stderr], [1, 'Error: No such container:path: cp-run:/nope\n']);
});

test('cp on a stopped container', { skip: skipUnlessRoot }, async () => {
  ok(d.wharf(['run', '--name', 'cp-stopped', 'busybox', 'sh', '-c', 'echo s > /s']));
  ok(d.wharf(['cp', 'cp-stopped:/s', join(local, 's')]));
  assert.equal(readFileSync(join(local, 's'), 'utf8'), 's\n');
  ok(d.wharf(['cp', join(local, 's'), 'cp-stopped:/s2']));
  ok(d.wharf(['start', '-a', 'cp-stopped']));
  ok(d.wharf(['cp', 'cp-stopped:/s2', join(local, 's2')]));
  assert.equal(readFileSync(join(local, 's2'), 'utf8'), 's\n');
});

test('symlinks planted by the container never lead cp out of its root', { skip: skipUnlessRoot }, async () => {
  const secret = join(local, 'host-secret');
  writeFileSync(secret, 'host only\n');
  const victim = join(local, 'victim-dir');
  mkdirSync(victim);
  ok(d.wharf(['run', '-d', '--name', 'cp-evil', 'busybox', 'sh', '-c',
    `mkdir -p ${victim} && ln -s / /rootlink && ln -s ${secret} /secretlink && ln -s ../../../../../../${victim} /dotdot && mkdir -p /in && ln -s ${victim} /in/planted && echo inside > /marker && sleep 300`]));
  for (let i = 0; i < 50 && d.wharf(['exec', 'cp-evil', 'cat', '/marker']).code !== 0; i++) await new Promise((r) => setTimeout(r, 100));
  // Reading through the links reads the container's own files (or nothing), never the host's.
  let r = d.wharf(['cp', `cp-evil:/rootlink${secret}`, join(local, 'out1')]);
  assert.notEqual(r.code, 0);
  assert.ok(!existsSync(join(local, 'out1')));
  d.wharf(['cp', '-L', 'cp-evil:/secretlink', join(local, 'out2')]);
  assert.ok(!existsSync(join(local, 'out2')) || readFileSync(join(local, 'out2'), 'utf8') !== 'host only\n');
  ok(d.wharf(['cp', 'cp-evil:/rootlink/marker', join(local, 'out3')]));
  assert.equal(readFileSync(join(local, 'out3'), 'utf8'), 'inside\n');
  // Writing through the links lands inside the container.
  writeFileSync(join(local, 'payload'), 'payload\n');
  ok(d.wharf(['cp', join(local, 'payload'), 'cp-evil:/in/planted/']));
  ok(d.wharf(['cp', join(local, 'payload'), 'cp-evil:/dotdot/']));
  assert.deepEqual(spawnSync('ls', ['-A', victim]).stdout.toString(), '', 'nothing written on the host');
  assert.equal(ok(d.wharf(['exec', 'cp-evil', 'cat', `${victim}/payload`])), 'payload\n');
  // A hostile archive: ".." entries are refused.
  const evilTar = spawnSync('sh', ['-c', `cd ${local} && tar -cf - --transform 's,^payload,../../../../escaped,' payload`]).stdout;
  r = d.wharf(['cp', '-', 'cp-evil:/in'], { input: evilTar });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /outside of the destination/);
  r = d.wharf(['exec', 'cp-evil', 'ls', '/escaped']);
  assert.notEqual(r.code, 0);
  ok(d.wharf(['rm', '-f', 'cp-evil']));
});

test('the real docker client copies through wharfd', { skip: noDocker }, async () => {
  ok(d.wharf(['run', '-d', '--name', 'cp-dk', 'busybox', 'sh', '-c', 'echo dk > /dk && sleep 300']));
  for (let i = 0; i < 50 && d.wharf(['exec', 'cp-dk', 'cat', '/dk']).code !== 0; i++) await new Promise((r) => setTimeout(r, 100));
  ok(d.docker(['cp', 'cp-dk:/dk', join(local, 'dk')]));
  assert.equal(readFileSync(join(local, 'dk'), 'utf8'), 'dk\n');
  ok(d.docker(['cp', join(local, 'dk'), 'cp-dk:/dk2']));
  assert.equal(ok(d.wharf(['exec', 'cp-dk', 'cat', '/dk2'])), 'dk\n');
  ok(d.wharf(['rm', '-f', 'cp-dk']));
});

// Image commands through the wharf CLI against a real wharfd: import with --change, images/ls filters and
// formats, inspect, history, tag, rmi (untag vs delete, 409 while used), prune, save/load round trips.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { TestDaemon, ok, skipUnlessRoot, repoRoot } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-images');
let bbId = '';

before(async () => {
  if (skipUnlessRoot) return;
  await d.start();
  bbId = d.importBusybox('busybox:latest', ['CMD ["sh"]', 'ENV GREETING=hi', 'WORKDIR /tmp', 'LABEL team=core', 'EXPOSE 8080']);
});
after(async () => { if (!skipUnlessRoot) await d.cleanup(); });

test('import prints the image ID and applies --change', { skip: skipUnlessRoot }, () => {
  assert.match(bbId, /^sha256:[0-9a-f]{64}$/);
  const cfg = JSON.parse(ok(d.wharf(['image', 'inspect', '-f', '{{json .Config}}', 'busybox'])));
  assert.deepEqual(cfg.Cmd, ['sh']);
  assert.ok(cfg.Env.includes('GREETING=hi'));
  assert.equal(cfg.WorkingDir, '/tmp');
  assert.deepEqual(cfg.Labels, { team: 'core' });
  assert.deepEqual(cfg.ExposedPorts, { '8080/tcp': {} });
  assert.equal(ok(d.wharf(['run', '--rm', 'busybox', 'sh', '-c', 'echo $GREETING $(pwd)'])), 'hi /tmp\n');
});

test('images lists, filters and formats', { skip: skipUnlessRoot }, () => {
  const table = ok(d.wharf(['images']));
  const lines = table.split('\n');
  assert.match(lines[0]!, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
  assert.match(table, new RegExp(`^busybox\\s+latest\\s+${bbId.slice(7, 19)}\\s+`, 'm'));
  assert.equal(ok(d.wharf(['images', '-q'])), `${bbId.slice(7, 19)}\n`);
  assert.equal(ok(d.wharf(['images', '--no-trunc', '-q'])), `${bbId}\n`);
  assert.equal(ok(d.wharf(['images', '--filter', 'label=team=core', '--format', '{{.Repository}}:{{.Tag}}'])), 'busybox:latest\n');
  assert.equal(ok(d.wharf(['images', '--filter', 'label=team=other', '-q'])), '');
  assert.equal(ok(d.wharf(['images', '--filter', 'reference=busy*', '--format', '{{.ID}}'])), `${bbId.slice(7, 19)}\n`);
});

test('tag, rmi untags before deleting, and refuses an image in use', { skip: skipUnlessRoot }, () => {
  ok(d.wharf(['tag', 'busybox', 'example.com/team/bb:v1']));
  assert.match(ok(d.wharf(['images', '--format', '{{.Repository}}:{{.Tag}}'])), /example.com\/team\/bb:v1/);
  assert.equal(ok(d.wharf(['rmi', 'example.com/team/bb:v1'])), 'Untagged: example.com/team/bb:v1\n');
  ok(d.wharf(['tag', 'busybox', 'extra:1']));
  const multi = d.wharf(['rmi', bbId.slice(7, 19)]);
  assert.equal(multi.code, 1);
  assert.match(multi.stderr, /conflict: unable to delete [0-9a-f]{12} \(must be forced\) - image is referenced in multiple repositories/);
  ok(d.wharf(['run', '-d', '--name', 'user', 'extra:1', 'sleep', '300']));
  const inUse = d.wharf(['rmi', '-f', bbId.slice(7, 19)]);
  assert.equal(inUse.code, 1);
  assert.match(inUse.stderr, /conflict: unable to delete [0-9a-f]{12} \(cannot be forced\) - image is being used by running container [0-9a-f]{12}/);
  ok(d.wharf(['rm', '-f', 'user']));
  assert.equal(ok(d.wharf(['rmi', 'extra:1'])), 'Untagged: extra:1\n');
  const missing = d.wharf(['rmi', 'nope:nope']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'Error: No such image: nope:nope\n');
});

test('history shows the import', { skip: skipUnlessRoot }, () => {
  const out = ok(d.wharf(['history', '--format', '{{.CreatedBy}}|{{.Comment}}', 'busybox']));
  assert.match(out, /Imported from -/);
});

test('save and load round-trip the image ID and tags', { skip: skipUnlessRoot }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-save-'));
  const tarPath = join(dir, 'bb.tar');
  ok(d.wharf(['save', '-o', tarPath, 'busybox:latest']));
  const listing = spawnSync('tar', ['-tf', tarPath]).stdout.toString();
  assert.match(listing, /^manifest\.json$/m);
  assert.match(listing, /\/layer\.tar$/m);
  ok(d.wharf(['tag', 'busybox', 'before-load:1']));
  ok(d.wharf(['rmi', 'busybox:latest', 'before-load:1']));
  assert.equal(d.wharf(['image', 'inspect', bbId]).code, 1);
  const loaded = ok(d.wharf(['load', '-i', tarPath]));
  assert.equal(loaded, 'Loaded image: busybox:latest\n');
  assert.equal(ok(d.wharf(['image', 'inspect', '-f', '{{.Id}}', 'busybox'])), `${bbId}\n`);
});

test('hostile archives are refused and leave nothing behind', { skip: skipUnlessRoot }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-hostile-'));
  writeFileSync(join(dir, 'evil.py'), `
import tarfile, io
with tarfile.open('${dir}/evil.tar', 'w') as t:
    data = b'pwned'
    info = tarfile.TarInfo('../../../../tmp/wharf-escape-${process.pid}')
    info.size = len(data)
    t.addfile(info, io.BytesIO(data))
`);
  spawnSync('python3', [join(dir, 'evil.py')]);
  const before = ok(d.wharf(['images', '-aq'])).trim().split('\n').length;
  const r = d.wharf(['import', join(dir, 'evil.tar'), 'evil:1']);
  assert.notEqual(r.code, 0);
  assert.throws(() => readFileSync(`/tmp/wharf-escape-${process.pid}`));
  assert.equal(ok(d.wharf(['images', '-aq'])).trim().split('\n').length, before);
  void repoRoot;
});

test('load publishes each layer tar it unpacked while spooling: layers on a shared base, contents intact, no leftovers', { skip: skipUnlessRoot }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-load-'));
  ok(d.wharf(['run', '--name', 'load-src', 'busybox', 'sh', '-c', 'mkdir -p /data && head -c 3000000 /dev/urandom > /data/r && ln -s r /data/l && sha256sum /data/r > /sum']));
  ok(d.wharf(['commit', 'load-src', 'two-layers:1']));
  ok(d.wharf(['rm', 'load-src']));
  const sum = ok(d.wharf(['run', '--rm', 'two-layers:1', 'cat', '/sum']));
  const id = ok(d.wharf(['image', 'inspect', '-f', '{{.Id}}', 'two-layers:1'])).trim();
  const tarPath = join(dir, 'two.tar');
  ok(d.wharf(['save', '-o', tarPath, 'two-layers:1']));
  ok(d.wharf(['rmi', 'two-layers:1']));
  // The base layer is still there (busybox): reused; the second one comes from the archive.
  assert.equal(ok(d.wharf(['load', '-i', tarPath])), 'Loaded image: two-layers:1\n');
  assert.equal(ok(d.wharf(['image', 'inspect', '-f', '{{.Id}}', 'two-layers:1'])).trim(), id);
  assert.equal(ok(d.wharf(['run', '--rm', 'two-layers:1', 'sh', '-c', 'sha256sum /data/r; readlink /data/l'])), `${sum}r\n`);
  // Loading it again while it exists changes nothing.
  assert.equal(ok(d.wharf(['load', '-i', tarPath])), 'Loaded image: two-layers:1\n');
  assert.deepEqual(readdirSync(join(d.dataRoot, 'image/tmp')), []);
  assert.deepEqual(readdirSync(join(d.dataRoot, 'snapshots/tmp')), []);
  ok(d.wharf(['rmi', 'two-layers:1']));
});

// ImageStore against real Docker where available: import compares with `docker import`, save/load round
// trips both ways keep image IDs, v1 layer IDs match `docker save`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isConflict, isNotFound } from '../errors.js';
import { run } from '../sys/index.js';
import { ImageStore } from './index.js';

const hasDocker = existsSync('/var/run/docker.sock') && existsSync('/usr/bin/docker');
const isRoot = process.getuid?.() === 0;
let dir = '';
let rootfsTar = '';
const events: string[] = [];
const dockerTag = `wharf-img-test-${process.pid}`;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wharf-images-'));
  rootfsTar = join(dir, 'rootfs.tar');
  await run(['bash', join(process.cwd(), 'scripts/busybox-rootfs.sh'), rootfsTar]);
});
after(async () => {
  if (hasDocker) await run(['docker', 'rmi', '-f', `${dockerTag}:a`, `${dockerTag}:b`, `${dockerTag}:c`], { allowFailure: true });
  await rm(dir, { recursive: true, force: true });
});

test('import, lookup, tag, inspect, history and remove', { skip: !isRoot && 'needs root (lchown, mknod)' }, async () => {
  const store = await ImageStore.open(join(dir, 'root1'), { onEvent: (a) => events.push(a) });
  const rec = await store.importImage(createReadStream(rootfsTar), { changes: ['CMD ["sh"]', 'ENV A=b'], message: 'hello', repo: 'bb', tag: 'v1' });
  assert.equal(store.get('bb:v1').id, rec.id);
  assert.equal(store.get(rec.id.slice(7, 19)).id, rec.id);
  assert.equal(store.get(rec.id).id, rec.id);
  // dockerd names the reference with its default tag.
  assert.throws(() => store.get('nope'), (e: Error) => isNotFound(e) && e.message === 'No such image: nope:latest');
  assert.equal(rec.config.comment, 'hello');
  assert.deepEqual(rec.config.config?.Cmd, ['sh']);
  assert.ok(rec.size > 1_000_000, 'size counts the unpacked layer');
  const insp = store.inspect(rec);
  assert.deepEqual(insp.RepoTags, ['bb:v1']);
  assert.equal((insp.GraphDriver as { Name: string }).Name, 'overlay2');
  assert.deepEqual(store.history('bb:v1').map((h) => h.Comment), ['hello']);
  await store.tag('bb:v1', 'other');
  assert.deepEqual(store.summary(rec).RepoTags, ['bb:v1', 'other:latest']);
  // Removing a tag while a container uses the image's single reference needs force.
  const using = () => [{ id: 'c'.repeat(64), running: false }];
  assert.deepEqual(await store.remove('other'), [{ Untagged: 'other:latest' }]);
  await assert.rejects(store.remove('bb:v1', { isUsed: using }), (e: Error) => isConflict(e) && e.message === `conflict: unable to remove repository reference "bb:v1" (must force) - container cccccccccccc is using its referenced image ${rec.id.slice(7, 19)}`);
  await store.tag('bb:v1', 'x/y', 'z');
  await assert.rejects(store.remove(rec.id), (e: Error) => e.message === `conflict: unable to delete ${rec.id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories`);
  const items = await store.remove(rec.id, { force: true });
  assert.deepEqual(items.slice(0, 3), [{ Untagged: 'bb:v1' }, { Untagged: 'x/y:z' }, { Deleted: rec.id }]);
  assert.equal(items.length, 4, 'the layer is deleted too');
  assert.equal(store.list().length, 0);
  assert.deepEqual(store.snapshots.listLayers(), []);
  assert.ok(events.includes('import') && events.includes('untag') && events.includes('delete'));
});

test('import config matches docker import field for field', { skip: (!hasDocker || !isRoot) && 'needs root and /var/run/docker.sock' }, async () => {
  const store = await ImageStore.open(join(dir, 'root2'));
  const rec = await store.importImage(createReadStream(rootfsTar), { changes: ['CMD ["sh"]'], repo: 'cmp' });
  const id = (await run(['docker', 'import', '-c', 'CMD ["sh"]', rootfsTar, `${dockerTag}:a`])).stdout.trim();
  const docker = JSON.parse((await run(['docker', 'image', 'inspect', id])).stdout)[0];
  const ours = store.inspect(rec);
  for (const k of ['Comment', 'Config', 'ContainerConfig', 'Architecture', 'Os', 'Size', 'RootFS', 'Parent', 'Author']) {
    assert.deepEqual(ours[k], docker[k], k);
  }
  assert.deepEqual(Object.keys(ours), Object.keys(docker));
});

test('docker save | wharf load | wharf save | docker load keeps the image ID', { skip: (!hasDocker || !isRoot) && 'needs root and /var/run/docker.sock' }, async () => {
  const id = (await run(['docker', 'import', '-c', 'ENV X=1', '-m', 'rt', rootfsTar, `${dockerTag}:b`])).stdout.trim();
  const saved = join(dir, 'docker-save.tar');
  await run(['docker', 'save', '-o', saved, `${dockerTag}:b`]);
  const store = await ImageStore.open(join(dir, 'root3'));
  const { loaded } = await store.load(createReadStream(saved));
  assert.deepEqual(loaded, [`Loaded image: ${dockerTag}:b`]);
  assert.equal(store.get(`${dockerTag}:b`).id, id);
  // A second load over an existing tag with another image prints Docker's rename notice.
  const other = await store.importImage(createReadStream(rootfsTar), { repo: dockerTag, tag: 'b' });
  const again = await store.load(createReadStream(saved));
  assert.deepEqual(again.loaded, [`The image ${dockerTag}:b already exists, renaming the old one with ID ${other.id} to empty string`, `Loaded image: ${dockerTag}:b`]);

  const ours = join(dir, 'wharf-save.tar');
  await store.tag(id, dockerTag, 'c');
  const out = createWriteStream(ours);
  await store.save([`${dockerTag}:c`], out);
  // Same layer directory names (v1 IDs) as docker save.
  const dockerList = (await run(['tar', 'tf', saved])).stdout.split('\n').filter((l) => l.endsWith('/layer.tar'));
  const ourList = (await run(['tar', 'tf', ours])).stdout.split('\n').filter((l) => l.endsWith('/layer.tar'));
  assert.deepEqual(ourList, dockerList);
  await run(['docker', 'rmi', `${dockerTag}:b`]);
  const res = await run(['docker', 'load', '-i', ours]);
  assert.match(res.stdout, new RegExp(`Loaded image: ${dockerTag}:c`));
  assert.equal((await run(['docker', 'image', 'inspect', '-f', '{{.Id}}', `${dockerTag}:c`])).stdout.trim(), id);

  // Reopen: everything persisted.
  const reopened = await ImageStore.open(join(dir, 'root3'));
  assert.equal(reopened.get(`${dockerTag}:c`).id, id);
});

// The snapshotter suite: real layers, real overlay mounts under a temp data root (needs root).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { isNotFound } from '../errors.js';
import { chainIds, Snapshotter } from './index.js';
import { makeTar } from './testsuite.js';

const isRoot = process.getuid?.() === 0;
let root = '';
const digest = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
before(async () => { root = await mkdtemp(join(tmpdir(), 'wharf-snap-')); });
after(async () => { await rm(root, { recursive: true, force: true }); });

async function addLayers(s: Snapshotter, tars: Buffer[]): Promise<string[]> {
  const ids = chainIds(tars.map(digest));
  let parent: string | undefined;
  for (const t of tars) parent = (await s.applyLayer(parent, digest(t), Readable.from([t]))).chainId;
  return ids;
}

test('layers are unpacked once, chained, mounted with whiteouts; changes/usage/diffTar read the upper', { skip: !isRoot && 'needs root for overlay mounts' }, async () => {
  const s = await Snapshotter.open(root);
  const base = await makeTar([[{ name: 'etc/', type: 'directory', mode: 0o755 }], [{ name: 'etc/a' }, 'A'], [{ name: 'etc/b' }, 'B'], [{ name: 'old/', type: 'directory' }], [{ name: 'old/x' }, 'x']]);
  const top = await makeTar([[{ name: 'etc/.wh.b' }], [{ name: 'etc/c' }, 'CC'], [{ name: 'old/.wh..wh..opq' }]]);
  const ids = await addLayers(s, [base, top]);
  assert.equal(s.layer(ids[1]!)?.parent, ids[0]);
  assert.equal(s.layer(ids[0]!)?.size, 3);
  // Applying the same layer again reuses it.
  assert.equal((await s.applyLayer(undefined, digest(base), Readable.from([base]))).chainId, ids[0]);

  const m = await s.prepare('c1', ids[1]);
  assert.equal(m.lowerdirs.length, 2);
  assert.ok(m.lowerdirs[0]!.includes(ids[1]!.slice(7)), 'top-most lowerdir first');
  const target = join(root, 'rootfs');
  await s.mount('c1', target);
  try {
    assert.deepEqual((await readdir(join(target, 'etc'))).sort(), ['a', 'c']);
    assert.deepEqual(await readdir(join(target, 'old')), []);
    await writeFile(join(target, 'etc/new'), 'hello');
    await unlink(join(target, 'etc/a'));
    await mkdir(join(target, 'data'));
  } finally {
    await s.unmount('c1');
  }
  assert.deepEqual(await readdir(target), []);
  assert.deepEqual(await s.changes('c1'), [
    { Path: '/data', Kind: 1 }, { Path: '/etc', Kind: 0 }, { Path: '/etc/a', Kind: 2 }, { Path: '/etc/new', Kind: 1 },
  ]);
  assert.equal(await s.usage('c1'), 5);
  const names: string[] = [];
  const ex = tar.extract();
  Readable.from(s.diffTar('c1')).pipe(ex as unknown as NodeJS.WritableStream);
  for await (const e of ex) { names.push(`${e.header.type}:${e.header.name}`); e.resume(); }
  assert.deepEqual(names, ['directory:data/', 'directory:etc/', 'file:etc/.wh.a', 'file:etc/new']);
  const gd = s.graphDriver('c1');
  assert.equal(gd.Name, 'overlay2');
  assert.equal(gd.Data?.UpperDir, m.upperdir);

  // State survives a reopen; a layer in use by a snapshot is kept by pruneLayers.
  const s2 = await Snapshotter.open(root);
  assert.ok(s2.has('c1'));
  assert.deepEqual(await s2.pruneLayers([]), []);
  await s2.remove('c1');
  assert.equal(s2.has('c1'), false);
  await assert.rejects(s2.usage('c1'), (err) => isNotFound(err));
  assert.deepEqual((await s2.pruneLayers([ids[0]!])), [ids[1]]);
  assert.ok(s2.hasLayer(ids[0]!));
  assert.deepEqual((await s2.pruneLayers([])), [ids[0]]);
  assert.deepEqual(await readdir(join(root, 'snapshots/layers')), []);
});

test('a snapshot without layers mounts an empty rootfs', { skip: !isRoot && 'needs root for overlay mounts' }, async () => {
  const s = await Snapshotter.open(root);
  const m = await s.prepare('empty1', undefined);
  assert.deepEqual(m.lowerdirs, []);
  await s.mount('empty1');
  try {
    await writeFile(join(s.mergedDir('empty1'), 'f'), 'x');
    assert.equal(await readFile(join(m.upperdir, 'f'), 'utf8'), 'x');
  } finally {
    await s.remove('empty1');
  }
  await assert.rejects(lstat(m.upperdir));
});

test('open() sweeps unpack leftovers and ignores incomplete layers', async () => {
  await mkdir(join(root, 'snapshots/tmp/deadbeef/diff'), { recursive: true });
  await mkdir(join(root, 'snapshots/active/half'), { recursive: true });
  const s = await Snapshotter.open(root);
  assert.deepEqual(await readdir(join(root, 'snapshots/tmp')), []);
  assert.equal(s.has('half'), false);
  await assert.rejects(lstat(join(root, 'snapshots/active/half')));
});

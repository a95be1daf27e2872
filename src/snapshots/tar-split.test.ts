import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { stageLayerDir } from './index.js';
import { readTarSplit } from './tar-split.js';
import { makeTar } from './testsuite.js';

const dirs: string[] = [];
after(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

/** Unpacks `tar` (in chunks of `step` bytes) with a record, and returns the tar the record gives back. */
async function roundTrip(tar: Buffer, step = 1000): Promise<{ dir: string; back: Buffer }> {
  const root = await mkdtemp(join(tmpdir(), 'wharf-tarsplit-'));
  dirs.push(root);
  const chunks: Buffer[] = [];
  for (let i = 0; i < tar.length; i += step) chunks.push(tar.subarray(i, i + step));
  const staged = await stageLayerDir(root, Readable.from(chunks), { split: true });
  const t = await readTarSplit(staged.dir);
  assert.ok(t, 'the staged layer has a record');
  const parts: Buffer[] = [];
  for await (const c of t.stream) parts.push(c as Buffer);
  const back = Buffer.concat(parts);
  assert.equal(t.size, tar.length);
  return { dir: staged.dir, back };
}

test('tar-split gives back the exact tar: files, links, devices, long names, xattrs, whiteouts', async () => {
  const big = randomBytes(3 << 20).toString('latin1');
  const tar = await makeTar([
    [{ name: 'etc/', type: 'directory', mode: 0o755 }],
    [{ name: 'etc/passwd', mode: 0o644, pax: { 'SCHILY.xattr.user.note': 'hi' } }, 'root:x:0:0\n'],
    [{ name: 'empty', mode: 0o644 }, ''],
    [{ name: 'big', mode: 0o644 }, big],
    [{ name: `${'d'.repeat(120)}/${'f'.repeat(150)}`, mode: 0o644 }, 'long name'],
    [{ name: 'etc/link', type: 'link', linkname: 'etc/passwd' }],
    [{ name: 'sh', type: 'symlink', linkname: '/bin/busybox' }],
    [{ name: 'fifo', type: 'fifo', mode: 0o644 }],
    [{ name: 'gone/.wh.old', mode: 0o600 }],
  ]);
  for (const step of [tar.length, 512, 777, 65536]) {
    const { back } = await roundTrip(tar, step);
    assert.ok(back.equals(tar), `same bytes with ${step}-byte chunks`);
  }
});

test('tar-split keeps files a later entry replaces or whites out, and bytes after the end marker', async () => {
  const tar = Buffer.concat([await makeTar([
    [{ name: 'a/x', mode: 0o644 }, 'first x'],
    [{ name: 'a/y', mode: 0o644 }, 'y'],
    [{ name: 'a/x', mode: 0o644 }, 'second x, longer'],
    [{ name: 'a', type: 'symlink', linkname: 'b' }], // the directory a (x and y in it) goes
    [{ name: 'c', mode: 0o644 }, 'c'],
    [{ name: '.wh.c', mode: 0o644 }],
    [{ name: 'c', mode: 0o644 }, 'c again'],
  ]), Buffer.alloc(2048)]);
  const { dir, back } = await roundTrip(tar);
  assert.ok(back.equals(tar));
  // The replaced contents live outside the layer's diff, never in what containers see.
  assert.deepEqual((await readdir(join(dir, 'diff'))).sort(), ['a', 'c']);
});

test('tar-split keeps a big payload the unpacker does not write (a whiteout with contents) raw', async () => {
  const tar = await makeTar([
    [{ name: 'before', mode: 0o644 }, 'b'],
    [{ name: '.wh.gone', mode: 0o644 }, randomBytes(20 << 20).toString('latin1')], // over the 16 MiB hold
    [{ name: 'after', mode: 0o644 }, 'a'],
  ]);
  const { back } = await roundTrip(tar, 65536);
  assert.ok(back.equals(tar));
});

test('tar-split refuses to regenerate a layer whose file sizes changed', async () => {
  // (Same-size changes come out as different bytes: the images layer checks the result against the diffID.)
  const tar = await makeTar([[{ name: 'f', mode: 0o644 }, 'contents']]);
  const { dir } = await roundTrip(tar);
  await writeFile(join(dir, 'diff', 'f'), 'longer contents');
  const t2 = await readTarSplit(dir);
  await assert.rejects(async () => { for await (const c of t2!.stream) void c; }, /changed/);
});

test('a layer without a record has none', async () => {
  const root = await mkdtemp(join(tmpdir(), 'wharf-tarsplit-'));
  dirs.push(root);
  assert.equal(await readTarSplit(root), undefined);
});

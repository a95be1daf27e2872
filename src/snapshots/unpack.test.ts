import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { lstat, mkdtemp, readFile, readlink, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { isInvalidParameter } from '../errors.js';
import { native, run } from '../sys/index.js';
import { Snapshotter, compressGzip, decompress, unpackTar } from './index.js';
import { makeTar, type H } from './testsuite.js';

const dirs: string[] = [];
after(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'wharf-unpack-'));
  dirs.push(d);
  return d;
}

test('unpack keeps modes, owners, mtimes, links, devices, xattrs and converts whiteouts', async () => {
  const dest = await tmp();
  const mtime = new Date('2020-01-02T03:04:05Z');
  const t = await makeTar([
    [{ name: 'etc/', type: 'directory', mode: 0o750, uid: 7, gid: 8, mtime }],
    [{ name: 'etc/passwd', mode: 0o4755, uid: 1000, gid: 1001, mtime, pax: { 'SCHILY.xattr.user.note': 'hi' } }, 'root:x:0:0'],
    [{ name: '/abs/file', mode: 0o600 }, 'abs'],
    [{ name: 'etc/link', type: 'link', linkname: 'etc/passwd' }],
    [{ name: 'sh', type: 'symlink', linkname: '/bin/busybox', mtime }],
    [{ name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 }],
    [{ name: 'fifo', type: 'fifo', mode: 0o644 }],
    [{ name: 'gone/.wh.old', mode: 0o600 }],
    [{ name: 'opq/.wh..wh..opq', mode: 0o600 }],
    [{ name: '.wh..wh.plnk', type: 'directory' }],
  ]);
  await unpackTar(Readable.from([t]), dest);
  const etc = await lstat(join(dest, 'etc'));
  assert.equal(etc.mode & 0o7777, 0o750);
  assert.equal(etc.uid, 7);
  assert.equal(etc.mtime.getTime(), mtime.getTime());
  const pw = await lstat(join(dest, 'etc/passwd'));
  assert.equal(pw.mode & 0o7777, 0o4755);
  assert.deepEqual([pw.uid, pw.gid], [1000, 1001]);
  assert.equal(pw.nlink, 2);
  assert.equal((await lstat(join(dest, 'etc/link'))).ino, pw.ino);
  assert.equal(native.getXattr(join(dest, 'etc/passwd'), 'user.note')?.toString(), 'hi');
  assert.equal(await readFile(join(dest, 'abs/file'), 'utf8'), 'abs');
  assert.equal(await readlink(join(dest, 'sh')), '/bin/busybox');
  assert.equal((await lstat(join(dest, 'sh'))).mtime.getTime(), mtime.getTime());
  const dev = await lstat(join(dest, 'dev/null'));
  assert.ok(dev.isCharacterDevice());
  assert.equal(dev.rdev, 0x103);
  assert.ok((await lstat(join(dest, 'fifo'))).isFIFO());
  const wh = await lstat(join(dest, 'gone/old'));
  assert.ok(wh.isCharacterDevice() && wh.rdev === 0);
  assert.equal(native.getXattr(join(dest, 'opq'), 'trusted.overlay.opaque')?.toString(), 'y');
  assert.deepEqual((await readdir(dest)).sort(), ['abs', 'dev', 'etc', 'fifo', 'gone', 'opq', 'sh']);
});

test('absolute symlinks resolve inside the root (chroot semantics), never on the host', async () => {
  const dest = await tmp();
  const t = await makeTar([
    [{ name: 'etc', type: 'symlink', linkname: '/real' }],
    [{ name: 'real/', type: 'directory' }],
    [{ name: 'etc/passwd' }, 'inside'],
  ]);
  await unpackTar(Readable.from([t]), dest);
  assert.equal(await readFile(join(dest, 'real/passwd'), 'utf8'), 'inside');
});

const hostile: Array<[string, Array<[H, string?]>]> = [
  ['dot-dot entry', [[{ name: '../evil' }, 'x']]],
  ['nested dot-dot entry', [[{ name: 'a/../../evil' }, 'x']]],
  ['relative symlink escaping', [[{ name: 'a/l', type: 'symlink', linkname: '../../etc' }]]],
  ['hardlink outside', [[{ name: 'h', type: 'link', linkname: '../../etc/passwd' }]]],
  ['hardlink to a missing file', [[{ name: 'h', type: 'link', linkname: 'etc/shadow' }]]],
];

for (const [what, entries] of hostile) {
  test(`hostile archive is refused and leaves no layer: ${what}`, async () => {
    const root = await tmp();
    const snaps = await Snapshotter.open(root);
    const t = await makeTar([[{ name: 'ok', type: 'file' }, 'fine'], ...entries]);
    const diffId = `sha256:${createHash('sha256').update(t).digest('hex')}`;
    await assert.rejects(snaps.applyLayer(undefined, diffId, Readable.from([t])), (err) => isInvalidParameter(err));
    assert.deepEqual(await readdir(join(root, 'snapshots/tmp')), []);
    assert.deepEqual(await readdir(join(root, 'snapshots/layers')), []);
    assert.equal(snaps.hasLayer(diffId), false);
  });
}

test('a symlinked parent cannot redirect writes to the host', async () => {
  const dest = await tmp();
  const outside = await tmp();
  await writeFile(join(outside, 'target'), 'host');
  // The escaping link is refused when created, so the follow-up write never happens.
  const t = await makeTar([[{ name: 'l', type: 'symlink', linkname: `../${outside.split('/').pop()}` }], [{ name: 'l/target' }, 'pwned']]);
  await assert.rejects(unpackTar(Readable.from([t]), dest), (err) => isInvalidParameter(err));
  assert.equal(await readFile(join(outside, 'target'), 'utf8'), 'host');
});

test('decompress detects gzip, bzip2 and xz', async () => {
  const plain = await makeTar([[{ name: 'f' }, 'compressed!']]);
  const dir = await tmp();
  await writeFile(join(dir, 'l.tar'), plain);
  await run(['bzip2', '-k', join(dir, 'l.tar')]);
  await run(['xz', '-k', join(dir, 'l.tar')]);
  const inputs = [plain, gzipSync(plain), await readFile(join(dir, 'l.tar.bz2')), await readFile(join(dir, 'l.tar.xz'))];
  for (const input of inputs) {
    const out = await decompress(Readable.from([input.subarray(0, 3), input.subarray(3)]));
    const chunks: Buffer[] = [];
    for await (const c of out) chunks.push(c as Buffer);
    assert.ok(Buffer.concat(chunks).equals(plain));
  }
  const bad = await decompress(Readable.from([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3])]));
  await assert.rejects((async () => { for await (const _ of bad) { /* drain */ } })(), (err) => isInvalidParameter(err));
});

test('compressGzip round-trips through igzip (big) and zlib (small); a failing input fails the output', async () => {
  const drain = async (r: AsyncIterable<unknown>) => { const c: Buffer[] = []; for await (const x of r) c.push(x as Buffer); return Buffer.concat(c); };
  const big = Buffer.alloc(3 << 20);
  for (let i = 0; i < big.length; i += 4096) big.write(`block ${i}\n`, i);
  for (const data of [big, Buffer.from('small layer')]) {
    const gz = await drain(compressGzip(Readable.from([data.subarray(0, 1000), data.subarray(1000)]), data.length));
    assert.equal(gz[0], 0x1f);
    assert.ok(gz.length < data.length || data.length < 100);
    assert.ok(gunzipSync(gz).equals(data));
    assert.ok((await drain(await decompress(Readable.from([gz]), { size: gz.length }))).equals(data));
  }
  // Data that does not compress inflates in-process, the rest through igzip: both give the bytes back.
  const random = randomBytes(3 << 20);
  const gzr = gzipSync(random);
  assert.ok((await drain(await decompress(Readable.from([gzr.subarray(0, 5000), gzr.subarray(5000)]), { size: gzr.length }))).equals(random));
  const broken = new Readable({ read() { this.push(big.subarray(0, 1 << 20)); this.destroy(new Error('disk read failed')); } });
  await assert.rejects(drain(compressGzip(broken, big.length)), /disk read failed/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { gunzipRaw, gzipHeaderLength } from './gunzip-raw.js';

/** Feeds `data` in `step`-byte chunks (the head passed as gunzipRaw's caller peeks it) and collects the output. */
async function inflate(data: Buffer, step = 65536): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += step) chunks.push(data.subarray(i, i + step));
  const out = gunzipRaw(Readable.from(chunks), data.subarray(0, 4096));
  assert.ok(out, 'a plain gzip header is taken');
  const got: Buffer[] = [];
  for await (const c of out) got.push(c as Buffer);
  return Buffer.concat(got);
}

test('gunzipRaw inflates one member, several members, and ignores trailing garbage', async () => {
  const a = randomBytes(3 << 20);
  const b = Buffer.from('second member '.repeat(100000));
  assert.ok((await inflate(gzipSync(a))).equals(a));
  assert.ok((await inflate(gzipSync(a), 1000)).equals(a), 'small chunks, trailer split across them');
  const two = Buffer.concat([gzipSync(a), gzipSync(b)]);
  assert.ok((await inflate(two)).equals(Buffer.concat([a, b])));
  assert.ok((await inflate(Buffer.concat([gzipSync(b), gzipSync(a)]), 777)).equals(Buffer.concat([b, a])));
  assert.ok((await inflate(Buffer.concat([gzipSync(a), Buffer.from('trailing garbage, not a member')]))).equals(a));
});

test('gunzipRaw fails a cut or corrupt stream; headers with a name are parsed', async () => {
  const a = randomBytes(1 << 20);
  const gz = gzipSync(a);
  await assert.rejects(inflate(gz.subarray(0, gz.length - 5000)), /unexpected end of file/);
  const bad = Buffer.from(gzipSync(Buffer.from('x'.repeat(100000))));
  bad[20] ^= 0xff;
  await assert.rejects(inflate(bad));
  // FNAME: "name\0" after the fixed header.
  const named = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3]), Buffer.from('layer.tar\0'), gz.subarray(10)]);
  assert.equal(gzipHeaderLength(named), 20);
  assert.ok((await inflate(named)).equals(a));
  assert.equal(gzipHeaderLength(Buffer.from([0x1f, 0x8b, 8, 0xe0, 0, 0, 0, 0, 0, 3])), undefined);
});

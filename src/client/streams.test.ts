import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { Demuxer, muxFrame, copyContainerStream, jsonLines } from './streams.js';
import { buildPath, errorForStatus, resolveHost } from './transport.js';
import { isNotFound, isConflict } from '../errors.js';

test('demuxer handles frames split across chunks', () => {
  const got: Array<[number, string]> = [];
  const d = new Demuxer((k, b) => got.push([k, b.toString()]));
  const all = Buffer.concat([muxFrame(1, 'out\n'), muxFrame(2, 'err\n'), muxFrame(1, 'more')]);
  for (let i = 0; i < all.length; i += 3) d.push(all.subarray(i, i + 3));
  assert.deepEqual(got, [[1, 'out\n'], [2, 'err\n'], [1, 'more']]);
  assert.equal(d.leftover, 0);
});

test('copyContainerStream: demultiplexed without tty, raw with tty', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const sinks = { stdout: (b: Buffer) => out.push(b.toString()), stderr: (b: Buffer) => err.push(b.toString()) };
  await copyContainerStream(Readable.from([Buffer.concat([muxFrame(1, 'a'), muxFrame(2, 'b')])]), false, sinks);
  assert.deepEqual([out, err], [['a'], ['b']]);
  out.length = 0;
  await copyContainerStream(Readable.from([Buffer.from('raw')]), true, sinks);
  assert.deepEqual(out, ['raw']);
});

test('jsonLines yields each message', async () => {
  const msgs = [];
  for await (const m of jsonLines(Readable.from([Buffer.from('{"status":"a"}\n{"sta'), Buffer.from('tus":"b"}\n')]))) msgs.push(m.status);
  assert.deepEqual(msgs, ['a', 'b']);
});

test('status codes map to error kinds; hosts and paths', () => {
  assert.ok(isNotFound(errorForStatus(404, 'No such container: x')));
  assert.ok(isConflict(errorForStatus(409, 'x')));
  assert.equal(errorForStatus(404, 'No such container: x').message, 'No such container: x');
  assert.deepEqual(resolveHost(undefined, { DOCKER_HOST: 'unix:///var/run/docker.sock' }), { url: 'unix:///run/wharf/wharf.sock', isDefault: true });
  assert.deepEqual(resolveHost(undefined, { WHARF_HOST: 'unix:///x.sock' }), { url: 'unix:///x.sock', isDefault: false });
  assert.equal(buildPath('/images/get', { names: ['a', 'b'], all: true, x: undefined }), '/v1.41/images/get?names=a&names=b&all=1');
});

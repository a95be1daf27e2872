import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { acceptKey, encodeFrame, OP, readFrames } from './websocket.js';

function clientFrame(opcode: number, payload: Buffer): Buffer {
  const mask = Buffer.from([0xa1, 0xb2, 0xc3, 0xd4]);
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0x80 | opcode, 0x80 | n]) : Buffer.from([0x80 | opcode, 0x80 | 126, n >> 8, n & 0xff]);
  return Buffer.concat([head, mask, Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!))]);
}

test('acceptKey is RFC 6455\'s example', () => {
  assert.equal(acceptKey('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
});

test('encodeFrame picks the 7-bit, 16-bit and 64-bit length forms', () => {
  assert.deepEqual([...encodeFrame(OP.binary, Buffer.from('hi'))], [0x82, 2, 0x68, 0x69]);
  assert.deepEqual([...encodeFrame(OP.text, Buffer.alloc(300)).subarray(0, 4)], [0x81, 126, 1, 44]);
  const big = encodeFrame(OP.binary, Buffer.alloc(70_000));
  assert.deepEqual([big[1], Number(big.readBigUInt64BE(2)), big.length], [127, 70_000, 70_010]);
});

test('readFrames unmasks data split across chunks, answers pings and ends stdin on close', async () => {
  const socket = new PassThrough();
  const stdin = new PassThrough();
  const answers: Buffer[] = [];
  readFrames(socket, stdin, (f) => answers.push(f));
  const wire = Buffer.concat([clientFrame(OP.text, Buffer.from('hello ')), clientFrame(OP.ping, Buffer.from('p')), clientFrame(OP.binary, Buffer.alloc(200, 0x41)), clientFrame(OP.close, Buffer.from([3, 0xe8]))]);
  for (let i = 0; i < wire.length; i += 7) socket.write(wire.subarray(i, i + 7));
  let got = '';
  for await (const chunk of stdin) got += chunk.toString();
  assert.equal(got, `hello ${'A'.repeat(200)}`);
  assert.deepEqual(answers, [encodeFrame(OP.pong, Buffer.from('p'))]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, writeSync } from 'node:fs';
import { native } from '../sys/index.js';
import { packetWriter, socketFromFd } from './attach.js';

// conmon writes its last packets and exits before a busy daemon reads any: libuv alone would deliver the
// first packet and report the end (a short read plus a hang-up means "drained" to a byte stream).
test('socketFromFd: every packet queued before the peer hung up arrives, in order, before the end', async () => {
  const [ours, peer] = native.socketpairSeqpacket();
  const sent = ['\x02a\r\n', '\x02out\r\n', '\x03err\r\n', '\x02last'];
  for (const p of sent) writeSync(peer, p);
  closeSync(peer);
  const sock = socketFromFd(ours);
  const got: string[] = [];
  sock.on('data', (p: Buffer) => got.push(p.toString('latin1')));
  await new Promise<void>((resolve) => sock.once('end', resolve));
  assert.deepEqual(got, sent);
  sock.destroy();
});

test('socketFromFd: packets arriving while reading, then the hang-up', async () => {
  const [ours, peer] = native.socketpairSeqpacket();
  const sock = socketFromFd(ours);
  const got: string[] = [];
  sock.on('data', (p: Buffer) => got.push(p.toString('latin1')));
  const ended = new Promise<void>((resolve) => sock.once('end', resolve));
  writeSync(peer, 'one');
  await new Promise((r) => setTimeout(r, 20));
  for (let i = 0; i < 5; i++) writeSync(peer, `n${i}`);
  closeSync(peer);
  await ended;
  assert.deepEqual(got, ['one', 'n0', 'n1', 'n2', 'n3', 'n4']);
  sock.destroy();
});

test('socketFromFd: a peer that exits with our input unread (a reset) still delivers what it queued', async () => {
  const [ours, peer] = native.socketpairSeqpacket();
  writeSync(ours, 'stdin the process never read');
  for (const p of ['p1', 'p2', 'p3']) writeSync(peer, p);
  closeSync(peer);
  const sock = socketFromFd(ours);
  const got: string[] = [];
  sock.on('data', (p: Buffer) => got.push(p.toString('latin1')));
  sock.on('error', () => undefined);
  await new Promise<void>((resolve) => sock.once('close', () => resolve()));
  assert.deepEqual(got, ['p1', 'p2', 'p3']);
});

test('packetWriter: a big write goes out as packets conmon reads whole (32 KiB at most), in order', async () => {
  const [ours, peer] = native.socketpairSeqpacket();
  const sock = socketFromFd(ours);
  const w = packetWriter(sock);
  const data = Buffer.alloc(100_000);
  for (let i = 0; i < data.length; i++) data[i] = i & 0xff;
  const more = Buffer.from('tail');
  await new Promise<void>((resolve) => { w.write(data); w.write(more, () => resolve()); });
  const sizes: number[] = [];
  const got: Buffer[] = [];
  for (let p = native.recvPacket(peer); p; p = native.recvPacket(peer)) { sizes.push(p.length); got.push(p); }
  assert.deepEqual(sizes, [32768, 32768, 32768, 1696, 4]);
  assert.ok(Buffer.concat(got).equals(Buffer.concat([data, more])));
  sock.destroy();
  closeSync(peer);
});

// The embedded DNS server over real UDP and TCP sockets on loopback high ports: answers from the asker's
// scope only, dockerd's reply shapes, and forwarding to a fake upstream server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { connect, createServer, type Server } from 'node:net';
import dnsPacket from 'dns-packet';
import { DnsServer } from './server.js';
import type { Scope } from './types.js';
import { splitTcpFrames, tcpFrame } from './wire.js';

const ASKER = '127.0.0.1';
const PORT = 20000 + Math.floor(Math.random() * 20000);
const UP_PORT = PORT + 1;

// Two networks: the asker is on "front" and "back"; "other" holds a container it must never see.
const scopes: Record<string, Scope> = {
  [ASKER]: {
    networks: [
      { network: 'front', links: { db: 'postgres' }, entries: [
        { ip: '10.1.0.2', name: 'web', aliases: ['www', 'abcdef012345'] },
        { ip: '10.1.0.3', name: 'api', aliases: ['svc'] },
        { ip: '10.1.0.4', name: 'api2', aliases: ['svc'] },
        { ip: '10.1.0.5', name: 'postgres', aliases: [] },
      ] },
      { network: 'back', links: {}, entries: [{ ip: '10.2.0.2', name: 'cache', aliases: [] }, { ip: '10.2.0.9', name: 'web', aliases: [] }] },
    ],
    upstreams: ['127.0.0.1'],
    ndotsSet: false,
  },
};

let server: DnsServer;
let upstream: Socket;
let upstreamTcp: Server;
const upstreamSeen: string[] = [];

function upstreamAnswer(msg: Buffer): Buffer {
  const q = dnsPacket.decode(msg);
  const name = q.questions![0]!.name;
  upstreamSeen.push(name);
  if (name === 'example.test') {
    return dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.RECURSION_AVAILABLE, questions: q.questions, answers: [{ type: 'A', name, ttl: 30, data: '192.0.2.7' }] });
  }
  return dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.RECURSION_AVAILABLE | 3, questions: q.questions, answers: [] });
}

before(async () => {
  server = new DnsServer({ scope: (ip) => scopes[ip] }, { upstreamPort: UP_PORT, upstreamTimeoutMs: 1000 });
  await server.listen('127.0.0.1', PORT);
  upstream = createSocket('udp4');
  upstream.on('message', (msg, r) => upstream.send(upstreamAnswer(msg), r.port, r.address));
  await new Promise<void>((r) => upstream.bind(UP_PORT, '127.0.0.1', () => r()));
  upstreamTcp = createServer((s) => s.on('data', (b) => { for (const f of splitTcpFrames(b).frames) s.write(tcpFrame(upstreamAnswer(f))); }));
  await new Promise<void>((r) => upstreamTcp.listen(UP_PORT, '127.0.0.1', () => r()));
});

after(async () => {
  await server.closeAll();
  upstream.close();
  upstreamTcp.close();
});

// dns-packet decodes rcode (its types omit it); answers are read as name/data pairs.
type Reply = Omit<dnsPacket.DecodedPacket, 'answers'> & { rcode: string; answers?: Array<{ name: string; data: unknown; ttl?: number }> };
const decode = (b: Buffer) => dnsPacket.decode(b) as Reply;

let nextId = 1;
function query(name: string, type: dnsPacket.RecordType = 'A'): Buffer {
  return dnsPacket.encode({ type: 'query', id: nextId++, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }] });
}

function askUdp(msg: Buffer, from = '127.0.0.1', timeoutMs = 2000): Promise<Reply | undefined> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const t = setTimeout(() => { s.close(); resolve(undefined); }, timeoutMs);
    s.on('message', (m) => { clearTimeout(t); s.close(); resolve(decode(m)); });
    s.bind(0, from, () => s.send(msg, PORT, '127.0.0.1'));
  });
}

function askTcp(msg: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const s = connect(PORT, '127.0.0.1');
    let buf = Buffer.alloc(0);
    s.on('error', reject);
    s.on('connect', () => s.write(tcpFrame(msg)));
    s.on('data', (b) => {
      buf = Buffer.concat([buf, b]);
      const { frames } = splitTcpFrames(buf);
      if (frames[0]) { s.destroy(); resolve(decode(frames[0])); }
    });
  });
}

const addrs = (p: Reply | undefined) => (p?.answers ?? []).map((a) => String(a.data)).sort();

test('A: container names, aliases and short IDs, case-insensitive, with and without the network', async () => {
  for (const [name, want] of [['web', '10.1.0.2'], ['WWW', '10.1.0.2'], ['abcdef012345', '10.1.0.2'], ['web.front', '10.1.0.2'], ['web.back', '10.2.0.9'], ['cache', '10.2.0.2'], ['cache.back', '10.2.0.2']] as const) {
    const r = await askUdp(query(name));
    assert.equal(r?.rcode, 'NOERROR', name);
    assert.deepEqual(addrs(r), [want], name);
    assert.equal(r?.answers?.[0]?.name, name);
    assert.equal(r?.answers?.[0]?.ttl, 600);
    assert.equal(r?.flag_ra, true);
    assert.equal(r?.flag_aa, false);
    assert.equal(r?.flag_rd, true);
  }
});

test('an alias several containers share answers with all their addresses', async () => {
  assert.deepEqual(addrs(await askUdp(query('svc'))), ['10.1.0.3', '10.1.0.4']);
});

test('a --link alias resolves to the linked container on that network', async () => {
  assert.deepEqual(addrs(await askUdp(query('db'))), ['10.1.0.5']);
});

test('AAAA and MX for a known name: NOERROR with no records; never forwarded', async () => {
  upstreamSeen.length = 0;
  for (const t of ['AAAA', 'MX'] as const) {
    const r = await askUdp(query('web', t));
    assert.equal(r?.rcode, 'NOERROR');
    assert.equal(r?.answers?.length, 0);
  }
  assert.deepEqual(upstreamSeen, []);
});

test('PTR for a container address answers <name>.<network>', async () => {
  const r = await askUdp(query('3.0.1.10.in-addr.arpa', 'PTR'));
  assert.equal(r?.rcode, 'NOERROR');
  assert.equal(r?.answers?.[0]?.data, 'api.front');
});

test('TCP answers the same', async () => {
  const r = await askTcp(query('web.front'));
  assert.deepEqual(addrs(r), ['10.1.0.2']);
});

test('TCP: a client that half-closes after its query still gets the (forwarded) answer', async () => {
  const r = await new Promise<Reply>((resolve, reject) => {
    const s = connect(PORT, '127.0.0.1');
    let buf = Buffer.alloc(0);
    s.on('error', reject);
    s.on('connect', () => s.end(tcpFrame(query('example.test'))));
    s.on('data', (b) => { buf = Buffer.concat([buf, b]); });
    s.on('close', () => resolve(decode(splitTcpFrames(buf).frames[0]!)));
  });
  assert.deepEqual(addrs(r), ['192.0.2.7']);
});

test('other names go to the upstream, over UDP and TCP, its answer relayed', async () => {
  upstreamSeen.length = 0;
  const r = await askUdp(query('example.test'));
  assert.deepEqual(addrs(r), ['192.0.2.7']);
  const nx = await askUdp(query('nosuch.front.x'));
  assert.equal(nx?.rcode, 'NXDOMAIN');
  const t = await askTcp(query('example.test'));
  assert.deepEqual(addrs(t), ['192.0.2.7']);
  assert.deepEqual(upstreamSeen, ['example.test', 'nosuch.front.x', 'example.test']);
});

test('a name of a network the asker is not on is not resolved locally', async () => {
  upstreamSeen.length = 0;
  const r = await askUdp(query('web.other'));
  assert.equal(r?.rcode, 'NXDOMAIN');
  assert.deepEqual(upstreamSeen, ['web.other']);
});

test('strangers (no container has their address) are refused', async () => {
  const r = await askUdp(query('web'), '127.0.0.2');
  assert.equal(r?.rcode, 'REFUSED');
  assert.deepEqual(addrs(r), []);
});

test('no upstream answering: no reply at all, as with dockerd', async () => {
  const s = new DnsServer({ scope: () => ({ networks: [], upstreams: ['127.0.0.1'], ndotsSet: false }) }, { upstreamPort: 9, upstreamTimeoutMs: 200 });
  assert.equal(await s.answer(query('nothing.test'), '10.0.0.1', 'udp'), undefined);
});

test('with the user\'s own ndots a single-label unknown name gets an empty answer, not forwarded', async () => {
  const s = new DnsServer({ scope: () => ({ networks: [], upstreams: [], ndotsSet: true }) });
  const r = decode((await s.answer(query('nothing'), '10.0.0.1', 'udp'))!);
  assert.equal(r.rcode, 'NOERROR');
  assert.equal(r.answers?.length, 0);
});

test('close stops the listener and frees the port', async () => {
  const s = new DnsServer({ scope: () => undefined });
  await s.listen('127.0.0.1', PORT + 2);
  await assert.rejects(new DnsServer({ scope: () => undefined }).listen('127.0.0.1', PORT + 2));
  await s.close('127.0.0.1', PORT + 2);
  const again = new DnsServer({ scope: () => undefined });
  await again.listen('127.0.0.1', PORT + 2);
  await again.closeAll();
});

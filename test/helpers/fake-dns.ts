// A fake upstream DNS server for tests, run as its own process (tests drive the CLI synchronously, which
// would stall a server living in the test process): `node fake-dns.js IP LOGFILE` answers A outside.test
// with 192.0.2.10 and NXDOMAIN for anything else, over UDP and TCP port 53, appending each asked name to
// LOGFILE; prints "ready" once listening.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { appendFileSync } from 'node:fs';
import dnsPacket from 'dns-packet';

const [ip, log] = process.argv.slice(2) as [string, string];

function reply(msg: Buffer): Buffer {
  const q = dnsPacket.decode(msg);
  const question = q.questions![0]!;
  appendFileSync(log, `${question.name}\n`);
  const known = question.name === 'outside.test';
  const answers: dnsPacket.Answer[] = known && question.type === 'A' ? [{ type: 'A', name: question.name, ttl: 60, data: '192.0.2.10' }] : [];
  return dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.RECURSION_AVAILABLE | (known ? 0 : 3), questions: q.questions, answers });
}

const udp = createSocket('udp4');
udp.on('message', (m, r) => udp.send(reply(m), r.port, r.address));
const tcp = createServer((s) => s.on('data', (b) => {
  const out = reply(b.subarray(2, 2 + b.readUInt16BE(0)));
  const len = Buffer.alloc(2);
  len.writeUInt16BE(out.length);
  s.end(Buffer.concat([len, out]));
}));
udp.bind(53, ip, () => tcp.listen(53, ip, () => process.stdout.write('ready\n')));
process.on('SIGTERM', () => process.exit(0));

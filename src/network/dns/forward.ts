// Forwarding a query the engine cannot answer to upstream servers, over the protocol it came in on.
// dockerd's order: servers are tried one after the other; SERVFAIL, REFUSED, a non-authoritative NXDOMAIN
// and other errors move on to the next server; the last reply received is what the asker gets; when
// nothing answered the asker gets no reply at all (its resolver times out, as with dockerd).
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { decodeHeader, tcpFrame, type Proto } from './wire.js';

export const UPSTREAM_TIMEOUT_MS = 4000;

export async function forward(query: Buffer, proto: Proto, servers: string[], port = 53, timeoutMs = UPSTREAM_TIMEOUT_MS): Promise<Buffer | undefined> {
  let last: Buffer | undefined;
  for (const server of servers) {
    last = await (proto === 'udp' ? askUdp : askTcp)(query, server, port, timeoutMs).catch(() => undefined);
    if (!last) continue;
    const h = decodeHeader(last);
    if (!h) { last = undefined; continue; }
    if (h.rcode === 0 || (h.rcode === 3 && h.aa)) return last;
  }
  return last;
}

function askUdp(query: Buffer, server: string, port: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(server.includes(':') ? 'udp6' : 'udp4');
    const id = query.readUInt16BE(0);
    const done = (err?: Error, msg?: Buffer) => {
      clearTimeout(timer);
      sock.close();
      if (err) reject(err); else resolve(msg!);
    };
    const timer = setTimeout(() => done(new Error(`read udp ${server}:${port}: i/o timeout`)), timeoutMs);
    sock.on('error', (err) => done(err));
    sock.on('message', (msg, rinfo) => {
      if (rinfo.address !== server || rinfo.port !== port || msg.length < 12 || msg.readUInt16BE(0) !== id) return;
      done(undefined, msg);
    });
    sock.connect(port, server, () => sock.send(query));
  });
}

function askTcp(query: Buffer, server: string, port: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: server, port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`read tcp ${server}:${port}: i/o timeout`)); }, timeoutMs);
    const finish = (err?: Error, msg?: Buffer) => { clearTimeout(timer); sock.destroy(); if (err) reject(err); else resolve(msg!); };
    sock.on('error', (err) => finish(err));
    sock.on('connect', () => sock.write(tcpFrame(query)));
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) finish(undefined, buf.subarray(2, 2 + buf.readUInt16BE(0)));
    });
    sock.on('end', () => finish(new Error(`read tcp ${server}:${port}: EOF`)));
  });
}

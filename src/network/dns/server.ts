// The embedded DNS server: answers containers on user-defined networks from their scope (names, aliases,
// short IDs, PTR) and forwards everything else upstream. Listeners are keyed by address; see types.ts for
// how queries reach them and how the asker is known.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import dnsPacket from 'dns-packet';
import { debug, warn } from '../../sys/index.js';
import { forward } from './forward.js';
import { resolveAddress, resolveName } from './lookup.js';
import type { Scope, ScopeSource } from './types.js';
import { decodeHeader, splitTcpFrames, tcpFrame, type Proto } from './wire.js';

const TTL = 600; // dockerd's respTTL
const MIN_UDP_SIZE = 512;
const MAX_FORWARDS = 1024; // dockerd's maxConcurrent outstanding forwarded queries
const TCP_IDLE_MS = 8000;
const RCODE = { NOERROR: 0, SERVFAIL: 2, REFUSED: 5 } as const;

interface Listener { udp: Socket; tcp: Server; conns: Set<TcpSocket> }

export interface DnsServerOptions {
  /** Upstream port (53); tests point it at a fake server on a high port. */
  upstreamPort?: number;
  upstreamTimeoutMs?: number;
}

export class DnsServer {
  private readonly listeners = new Map<string, Listener>();
  private forwarding = 0;

  constructor(private readonly source: ScopeSource, private readonly opts: DnsServerOptions = {}) {}

  addresses(): string[] { return [...this.listeners.keys()]; }

  /** Starts answering on ip:port (UDP and TCP). Already listening there: nothing to do. */
  async listen(ip: string, port = 53): Promise<void> {
    const key = `${ip}:${port}`;
    if (this.listeners.has(key)) return;
    const udp = createSocket({ type: 'udp4' });
    udp.on('message', (msg, rinfo) => {
      void this.answer(msg, rinfo.address, 'udp').then((reply) => { if (reply) udp.send(reply, rinfo.port, rinfo.address); });
    });
    const conns = new Set<TcpSocket>();
    // Half-open allowed: a client may shut its side after the query and still wait for the answer.
    const tcp = createServer({ allowHalfOpen: true }, (sock) => this.serveTcp(sock, conns));
    try {
      await new Promise<void>((resolve, reject) => { udp.once('error', reject); udp.bind(port, ip, () => { udp.off('error', reject); resolve(); }); });
      udp.on('error', (err) => warn('dns', `udp ${key}: ${err.message}`));
      await new Promise<void>((resolve, reject) => { tcp.once('error', reject); tcp.listen({ host: ip, port, exclusive: true }, () => { tcp.off('error', reject); resolve(); }); });
      tcp.on('error', (err) => warn('dns', `tcp ${key}: ${err.message}`));
    } catch (err) {
      udp.close();
      tcp.close();
      throw err;
    }
    this.listeners.set(key, { udp, tcp, conns });
    debug('dns', `listening on ${key}`);
  }

  async close(ip: string, port = 53): Promise<void> {
    const key = `${ip}:${port}`;
    const l = this.listeners.get(key);
    if (!l) return;
    this.listeners.delete(key);
    for (const c of l.conns) c.destroy();
    await Promise.all([new Promise<void>((r) => l.udp.close(() => r())), new Promise<void>((r) => l.tcp.close(() => r()))]);
    debug('dns', `stopped listening on ${key}`);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.listeners.keys()].map((k) => { const i = k.lastIndexOf(':'); return this.close(k.slice(0, i), Number(k.slice(i + 1))); }));
  }

  private serveTcp(sock: TcpSocket, conns: Set<TcpSocket>): void {
    conns.add(sock);
    let buf = Buffer.alloc(0);
    let pending = 0;
    let ended = false;
    const maybeEnd = () => { if (ended && pending === 0 && !sock.destroyed) sock.end(); };
    sock.setTimeout(TCP_IDLE_MS, () => sock.destroy());
    sock.on('error', () => undefined);
    sock.on('close', () => conns.delete(sock));
    sock.on('end', () => { ended = true; maybeEnd(); });
    sock.on('data', (chunk: Buffer) => {
      const { frames, rest } = splitTcpFrames(Buffer.concat([buf, chunk]));
      buf = Buffer.from(rest);
      for (const f of frames) {
        pending++;
        void this.answer(f, sock.remoteAddress ?? '', 'tcp').then((reply) => {
          if (reply && !sock.destroyed) sock.write(tcpFrame(reply));
        }).finally(() => { pending--; maybeEnd(); });
      }
    });
  }

  /** The reply to one query from askerIp, or undefined for no reply. */
  async answer(msg: Buffer, askerIp: string, proto: Proto): Promise<Buffer | undefined> {
    const h = decodeHeader(msg);
    if (!h || h.qr || h.qdcount === 0) return undefined;
    let query: dnsPacket.DecodedPacket;
    try { query = dnsPacket.decode(msg); } catch { return undefined; }
    const q = query.questions?.[0];
    if (!q) return undefined;
    const scope = this.source.scope(askerIp.replace(/^::ffff:/, ''));
    // Only the engine's containers may ask: the server is no open resolver for the host or anyone else.
    if (!scope) return this.reply(query, RCODE.REFUSED, []);
    if (h.opcode !== 0) return this.reply(query, RCODE.SERVFAIL, []);
    const local = this.answerLocally(scope, query, q);
    if (local) return this.fit(local, query, proto);
    debug('dns', `forwarding ${q.name} (${q.type}) from ${askerIp} over ${proto} to ${scope.upstreams.join(', ') || 'nobody'}`);
    if (this.forwarding >= MAX_FORWARDS) return undefined;
    this.forwarding++;
    try {
      return await forward(msg, proto, scope.upstreams, this.opts.upstreamPort, this.opts.upstreamTimeoutMs);
    } finally {
      this.forwarding--;
    }
  }

  private answerLocally(scope: Scope, query: dnsPacket.DecodedPacket, q: dnsPacket.Question): dnsPacket.Packet | undefined {
    const name = q.name;
    switch (q.type) {
      case 'A': {
        const ips = resolveName(scope, name);
        if (ips) return this.packet(query, RCODE.NOERROR, shuffle(ips).map((ip) => ({ type: 'A', class: 'IN', name, ttl: TTL, data: ip })));
        break;
      }
      // A name the engine knows has no IPv6 address here: an empty answer, never forwarded.
      case 'AAAA':
      // A known name gets an empty MX answer, so mailers fall back to its A record (RFC 5321 implicit MX).
      case 'MX':
        if (resolveName(scope, name)) return this.packet(query, RCODE.NOERROR, []);
        break;
      case 'PTR': {
        const host = resolveAddress(scope, name);
        if (host) return this.packet(query, RCODE.NOERROR, [{ type: 'PTR', class: 'IN', name, ttl: TTL, data: host }]);
        break;
      }
      default:
        return undefined;
    }
    // With the user's own ndots, a single-label name that is not ours is not sent out: the asker's
    // resolver will try it again with its search domains appended.
    if ((q.type === 'A' || q.type === 'AAAA') && scope.ndotsSet && !name.replace(/\.$/, '').includes('.')) {
      return this.packet(query, RCODE.NOERROR, []);
    }
    return undefined;
  }

  private packet(query: dnsPacket.DecodedPacket, rcode: number, answers: dnsPacket.Answer[]): dnsPacket.Packet {
    // dockerd's replies: the query's ID, opcode, RD and CD, recursion available, not authoritative.
    const flags = (query.flags ?? 0) & (0x7800 | dnsPacket.RECURSION_DESIRED | dnsPacket.CHECKING_DISABLED);
    return { type: 'response', id: query.id, flags: flags | dnsPacket.RECURSION_AVAILABLE | rcode, questions: query.questions?.slice(0, 1), answers };
  }

  private reply(query: dnsPacket.DecodedPacket, rcode: number, answers: dnsPacket.Answer[]): Buffer {
    return dnsPacket.encode(this.packet(query, rcode, answers));
  }

  /** UDP replies fit the asker's buffer (512 bytes or its EDNS size): answers are dropped and TC set. */
  private fit(p: dnsPacket.Packet, query: dnsPacket.DecodedPacket, proto: Proto): Buffer {
    const opt = query.additionals?.find((a) => a.type === 'OPT') as { udpPayloadSize?: number } | undefined;
    const max = proto === 'tcp' ? 65535 : Math.max(MIN_UDP_SIZE, opt?.udpPayloadSize ?? 0);
    let out = dnsPacket.encode(p);
    if (out.length <= max) return out;
    if (proto === 'udp') p.flags = (p.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE;
    const answers = [...(p.answers ?? [])];
    while (answers.length && out.length > max) { answers.pop(); out = dnsPacket.encode({ ...p, answers }); }
    return out;
  }
}

function shuffle<T>(xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(Math.random() * (i + 1)); [a[i], a[j]] = [a[j]!, a[i]!]; }
  return a;
}

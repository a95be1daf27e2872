// The host side of published ports, in the daemon (dockerd runs one docker-proxy process per binding).
// Every binding holds its host port with a listening socket, which is what makes a taken port fail the way
// dockerd's does ("listen tcp4 0.0.0.0:80: bind: address already in use") and keeps other programs and other
// daemons off a port a container publishes. IPv4 traffic never reaches these sockets: the daemon's DNAT
// rules take it first (PREROUTING/OUTPUT), so throughput is the kernel's. IPv6 bindings (`::`, which dockerd
// 20.10 adds beside 0.0.0.0 when the host has IPv6) cannot be DNATed to an IPv4-only container: for those the
// socket is the way in and relays to the container's address (as docker-proxy does for them).
//
// Lifecycle: reserve (listen, no target yet: a connection that comes meanwhile is closed) -> sync (each held
// binding gets its target, bindings no sandbox has any more are closed) -> close.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { warn } from '../sys/index.js';

export interface ProxyBinding { proto: 'tcp' | 'udp'; hostIp: string; hostPort: number }
export interface ProxyTarget { ip: string; port: number }

/** How long a UDP client's relay socket lives without traffic (docker-proxy's UDPConnTrackTimeout). */
const UDP_IDLE_MS = 90_000;

const keyOf = (b: ProxyBinding) => `${b.proto}/${b.hostIp}/${b.hostPort}`;
export const isIp6 = (ip: string) => ip.includes(':');

/** dockerd adds the implicit `::` binding only where IPv6 can be listened on (the host has ::1). */
export function ipv6Listenable(): boolean {
  try { return readFileSync('/proc/net/if_inet6', 'utf8').includes('00000000000000000000000000000001'); } catch { return false; }
}

interface Held { binding: ProxyBinding; target?: ProxyTarget; close(): void }

export class PortProxies {
  private readonly held = new Map<string, Held>();

  /** Listens on the binding's host address and port; false when something else holds it. */
  async reserve(b: ProxyBinding): Promise<boolean> {
    if (this.held.has(keyOf(b))) return false;
    const h = await (b.proto === 'tcp' ? listenTcp(b) : listenUdp(b));
    if (!h) return false;
    this.held.set(keyOf(b), h);
    return true;
  }

  release(b: ProxyBinding): void {
    this.held.get(keyOf(b))?.close();
    this.held.delete(keyOf(b));
  }

  /**
   * The bindings the state has now, with their targets (none: held, but a connection is closed at once):
   * missing ones are opened (at a daemon start, for the containers that kept running), the rest are closed.
   */
  async sync(wanted: Array<ProxyBinding & { target: ProxyTarget | undefined }>): Promise<void> {
    const keep = new Set<string>();
    for (const w of wanted) {
      const k = keyOf(w);
      keep.add(k);
      if (!this.held.has(k) && !(await this.reserve(w))) {
        warn('network', `cannot hold published port ${w.hostIp}:${w.hostPort}/${w.proto}: in use by another program`);
        continue;
      }
      this.held.get(k)!.target = w.target;
    }
    for (const [k, h] of this.held) if (!keep.has(k)) { h.close(); this.held.delete(k); }
  }

  closeAll(): void {
    for (const h of this.held.values()) h.close();
    this.held.clear();
  }
}

function listenTcp(b: ProxyBinding): Promise<Held | undefined> {
  const conns = new Set<Socket>();
  const held: Held = { binding: b, close: () => { server.close(); for (const c of conns) c.destroy(); } };
  const server: Server = createServer((client) => {
    const t = held.target;
    if (!t) { client.destroy(); return; }
    const upstream = connect({ host: t.ip, port: t.port });
    conns.add(client).add(upstream);
    const done = () => { client.destroy(); upstream.destroy(); conns.delete(client); conns.delete(upstream); };
    client.on('error', done).on('close', done);
    upstream.on('error', done).on('close', done);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return new Promise((resolve) => {
    server.once('error', () => resolve(undefined));
    server.listen({ host: b.hostIp, port: b.hostPort, exclusive: true, ipv6Only: isIp6(b.hostIp) }, () => {
      server.removeAllListeners('error');
      server.on('error', (err) => warn('network', `proxy ${b.hostIp}:${b.hostPort}: ${err.message}`));
      resolve(held);
    });
  });
}

function listenUdp(b: ProxyBinding): Promise<Held | undefined> {
  const v6 = isIp6(b.hostIp);
  const sock: UdpSocket = createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6 });
  // One relay socket per client address, as docker-proxy keeps one connection per client.
  const relays = new Map<string, { s: UdpSocket; timer: NodeJS.Timeout }>();
  const held: Held = {
    binding: b,
    close: () => { sock.close(); for (const r of relays.values()) { clearTimeout(r.timer); r.s.close(); } relays.clear(); },
  };
  sock.on('message', (msg, from) => {
    const t = held.target;
    if (!t) return;
    const k = `${from.address}|${from.port}`;
    let r = relays.get(k);
    if (!r) {
      const s = createSocket('udp4');
      s.on('message', (reply) => { sock.send(reply, from.port, from.address); bump(); });
      s.on('error', () => undefined);
      r = { s, timer: setTimeout(() => undefined, 0) };
      relays.set(k, r);
    }
    const relay = r;
    function bump(): void {
      clearTimeout(relay.timer);
      relay.timer = setTimeout(() => { relay.s.close(); relays.delete(k); }, UDP_IDLE_MS);
      relay.timer.unref();
    }
    bump();
    relay.s.send(msg, t.port, t.ip);
  });
  return new Promise((resolve) => {
    sock.once('error', () => { sock.close(); resolve(undefined); });
    sock.bind({ address: b.hostIp, port: b.hostPort, exclusive: true }, () => {
      sock.removeAllListeners('error');
      sock.on('error', (err) => warn('network', `proxy ${b.hostIp}:${b.hostPort}/udp: ${err.message}`));
      resolve(held);
    });
  });
}

// Host ports for published container ports: probing a port is free (as docker-proxy's bind would) and
// picking a random one from Docker's ephemeral range.
import { createServer, type Server } from 'node:net';
import { createSocket } from 'node:dgram';
import { Conflict } from '../errors.js';

export function canBind(proto: 'tcp' | 'udp', host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (proto === 'udp') {
      const s = createSocket('udp4');
      s.once('error', () => { s.close(); resolve(false); });
      s.bind(port, host, () => s.close(() => resolve(true)));
      return;
    }
    const srv: Server = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Docker's ephemeral range for random host ports: 49153-65535. */
export async function freePort(proto: 'tcp' | 'udp', host: string, taken: Set<string>): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const p = 49153 + Math.floor(Math.random() * (65535 - 49153 + 1));
    if (taken.has(`${proto}/${p}`)) continue;
    if (await canBind(proto, host, p)) return p;
  }
  throw new Conflict('no free host port found');
}

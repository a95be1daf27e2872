// Connection hijacking for attach and exec start: the request carries `Upgrade: tcp`, the daemon answers
// 101 Switching Protocols (dockerd 20.10 also answers 200 with the raw stream when no upgrade is asked),
// and from then on the socket carries stdin one way and the (multiplexed or raw) output the other way.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Transport, RequestOptions } from './transport.js';
import { readAll, errorForStatus } from './transport.js';

export interface HijackedConn {
  socket: Socket;
  /** Bytes the daemon sent together with the 101 response. */
  head: Buffer;
  /** Half-closes our side (stdin EOF), keeping the output readable: docker's CloseWrite. */
  closeWrite(): void;
  close(): void;
}

export async function hijack(transport: Transport, opts: RequestOptions): Promise<HijackedConn> {
  const req = transport.open({ method: 'POST', ...opts }, { Connection: 'Upgrade', Upgrade: 'tcp' });
  return new Promise<HijackedConn>((resolve, reject) => {
    req.on('error', (err: NodeJS.ErrnoException) => reject(transport.mapSocketError(err)));
    req.on('upgrade', (_res: IncomingMessage, socket: Socket, head: Buffer) => {
      socket.setNoDelay(true);
      resolve({
        socket,
        head,
        closeWrite: () => { if (!socket.destroyed) socket.end(); },
        close: () => socket.destroy(),
      });
    });
    req.on('response', (res: IncomingMessage) => {
      if ((res.statusCode ?? 500) >= 400) {
        void readAll(res).then((b) => {
          let message = b.toString('utf8').trim();
          try { message = (JSON.parse(message) as { message: string }).message ?? message; } catch { /* text */ }
          reject(errorForStatus(res.statusCode ?? 500, message));
        }, reject);
        return;
      }
      // A daemon that does not upgrade still streams the output on the response body.
      const socket = res.socket as Socket;
      resolve({ socket: res as unknown as Socket, head: Buffer.alloc(0), closeWrite: () => socket.end(), close: () => socket.destroy() });
    });
    const body = opts.body;
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

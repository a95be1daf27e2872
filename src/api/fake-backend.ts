// Test support: a Backend whose every method throws NotImplemented unless the test overrides it, so each
// test states exactly the behaviour it relies on, and a small HTTP-over-unix-socket call. Used by api tests only.
import { request } from 'node:http';
import { NotImplemented } from '../errors.js';
import type { Backend } from './backend.js';

export function fakeBackend(overrides: Partial<Backend>): Backend {
  return new Proxy(overrides as Backend, {
    get(target, prop, receiver) {
      if (prop in target) return Reflect.get(target, prop, receiver);
      if (typeof prop !== 'string' || prop === 'then') return undefined;
      return () => { throw new NotImplemented(`${prop} is not implemented`); };
    },
  });
}

/** One HTTP request over the unix socket, body collected as a string. */
export interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

export function call(socketPath: string, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (b: Buffer) => parts.push(b));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

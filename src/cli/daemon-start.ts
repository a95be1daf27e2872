// Auto-start: when the default socket is absent (or refuses connections) and we are root, start wharfd in
// the background from next to this bundle (dist/bin/wharfd.js), log to /var/log/wharfd.log, and wait for
// /_ping. A -H or WHARF_HOST target is never started: it may be somebody else's daemon.
import { existsSync, openSync, closeSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Client, parseHost, resolveHost } from '../client/index.js';

export const WHARFD_LOG = '/var/log/wharfd.log';
const WAIT_MS = 10_000;

function refuses(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(socketPath);
    s.on('connect', () => { s.destroy(); resolve(false); });
    s.on('error', () => resolve(true));
  });
}

async function needsStart(socketPath: string): Promise<boolean> {
  return !existsSync(socketPath) || refuses(socketPath);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The client for -H/WHARF_HOST/default, starting wharfd first when that is appropriate. */
export async function connectClient(hostFlag: string | undefined, env: NodeJS.ProcessEnv, warn: (s: string) => void, binDir: string): Promise<Client> {
  const { url, isDefault } = resolveHost(hostFlag, env);
  const client = new Client(url);
  const socketPath = parseHost(url).socketPath;
  if (!isDefault || !socketPath || process.getuid?.() !== 0) return client;
  if (!(await needsStart(socketPath))) return client;
  // binDir is where the CLI bundle sits (dist/bin): wharfd.js is beside it.
  const daemon = [join(binDir, 'wharfd.js'), join(binDir, '..', 'wharfd.js')].find((p) => existsSync(p));
  if (!daemon) return client;
  const { start } = await import('../sys/index.js');
  const fd = openSync(WHARFD_LOG, 'a');
  try {
    const child = start([process.execPath, daemon], { stdio: ['ignore', fd, fd], detached: true });
    child.unref();
  } finally {
    closeSync(fd);
  }
  warn(`wharf: started wharfd in the background (log: ${WHARFD_LOG})\n`);
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    try { await client.ping(AbortSignal.timeout(1000)); return client; } catch { await sleep(100); }
  }
  return client;
}

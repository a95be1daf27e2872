// wharfd: parse flags, open the subsystems, serve the Engine API, and shut down cleanly on SIGTERM/SIGINT
// while leaving containers running (their monitors own them: Docker's live-restore, always on).
import { mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { createApiServer } from '../api/index.js';
import { setDebug, info, error } from '../sys/index.js';
import { FlagError, USAGE, parseDaemonFlags } from './flags.js';
import { openEngine } from './engine.js';
import { VERSION } from './version.js';

function pidAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** One daemon per data root: a live pid in the pidfile means another wharfd owns it. */
function claimPidfile(path: string): void {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    if (pid && pid !== process.pid && pidAlive(pid)) {
      throw new Error(`pid file found, ensure wharfd is not running or delete ${path}`);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${process.pid}\n`);
}

async function main(): Promise<void> {
  let flags;
  try {
    flags = parseDaemonFlags(process.argv.slice(2));
  } catch (err) {
    if (err instanceof FlagError) { process.stderr.write(`${err.message}\n${USAGE}`); process.exit(125); }
    throw err;
  }
  if (flags.help) { process.stdout.write(USAGE); return; }
  if (flags.version) { process.stdout.write(`wharfd version ${VERSION}\n`); return; }
  if (process.getuid?.() !== 0) { process.stderr.write('wharfd needs to be started with root privileges\n'); process.exit(1); }
  setDebug(flags.debug);
  const pidfile = flags.pidfile ?? `${flags.dataRoot}/wharfd.pid`;
  claimPidfile(pidfile);
  mkdirSync(dirname(flags.socketPath), { recursive: true, mode: 0o755 });
  const engine = await openEngine(flags);
  const server = createApiServer(engine.backend, { socketPath: flags.socketPath, version: VERSION, debug: flags.debug });
  await server.listen();
  info('daemon', `API listen on ${flags.socketPath} (data root ${flags.dataRoot}, runtime ${flags.runtime})`);
  let stopping = false;
  const shutdown = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    info('daemon', `received ${sig}, shutting down; containers keep running`);
    await server.close().catch(() => undefined);
    await engine.close().catch(() => undefined);
    rmSync(pidfile, { force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  error('daemon', (err as Error).stack ?? String(err));
  process.exit(1);
});

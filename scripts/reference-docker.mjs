// Makes sure the reference Docker daemon (Debian's docker.io) answers on /var/run/docker.sock, so tests can
// compare wharf with it side by side. Starts containerd and dockerd in the background when they are installed
// but not running; does nothing when Docker is not installed (the comparison tests then skip).
import { spawn, spawnSync } from 'node:child_process';
import { openSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';

const SOCK = '/var/run/docker.sock';

function ping() {
  return new Promise((resolve) => {
    const req = request({ socketPath: SOCK, path: '/_ping', timeout: 2000 }, (res) => { res.resume(); resolve(res.statusCode === 200); });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
    req.end();
  });
}

function installed(bin) { return spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0; }

function startDetached(bin, args, log) {
  mkdirSync('/var/log/wharf-ci', { recursive: true });
  const fd = openSync(`/var/log/wharf-ci/${log}`, 'a');
  const child = spawn(bin, args, { detached: true, stdio: ['ignore', fd, fd] });
  child.unref();
}

export async function ensureReferenceDocker() {
  if (await ping()) return true;
  if (process.getuid?.() !== 0 || !installed('dockerd')) return false;
  if (installed('containerd') && spawnSync('pgrep', ['-x', 'containerd']).status !== 0) startDetached('containerd', [], 'containerd.log');
  startDetached('dockerd', [], 'dockerd.log');
  for (let i = 0; i < 120; i++) {
    if (await ping()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  process.stderr.write('reference dockerd did not answer within 30 s; see /var/log/wharf-ci/dockerd.log\n');
  return false;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exit((await ensureReferenceDocker()) ? 0 : 1);
}

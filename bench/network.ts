// Networking cost side by side with Docker: (1) what network setup adds to `run --rm busybox true` (default
// bridge minus --network none, medians), (2) HTTP requests/s to busybox httpd through a published port on
// 127.0.0.1 next to the container's own address (8 concurrent clients, new connection per request, 3 s each).
//   node scripts/build.mjs && node dist/bench/network.js      (needs root)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { TestDaemon } from '../test/helpers/daemon.js';

const RUNS = Number(process.env.RUNS ?? 11);

function time(argv: string[], env: NodeJS.ProcessEnv): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function med(argv: string[], env: NodeJS.ProcessEnv): number {
  time(argv, env);
  return median(Array.from({ length: RUNS }, () => time(argv, env)));
}

/** Requests per second against host:port with `conc` clients, each request on a fresh connection. */
async function rps(host: string, port: number, seconds = 3, conc = 8): Promise<number> {
  const end = Date.now() + seconds * 1000;
  let done = 0;
  const one = () => new Promise<void>((res, rej) => {
    const req = request({ host, port, path: '/index.html', agent: false }, (r) => { r.resume(); r.on('end', () => res()); });
    req.on('error', rej);
    req.end();
  });
  for (let i = 0; i < 50; i++) { try { await one(); break; } catch { await new Promise((r) => setTimeout(r, 100)); } }
  await Promise.all(Array.from({ length: conc }, async () => { while (Date.now() < end) { await one(); done++; } }));
  return done / seconds;
}

const HTTPD = ['sh', '-c', 'mkdir -p /www && echo hello > /www/index.html && exec httpd -f -p 8080 -h /www'];

async function main(): Promise<void> {
  const d = new TestDaemon('wharf-bench-net');
  await d.start();
  const dockerBin = ['/usr/bin/docker', '/usr/local/bin/docker'].find(existsSync);
  const docker = dockerBin && spawnSync(dockerBin, ['version'], { stdio: 'ignore' }).status === 0 ? dockerBin : undefined;
  try {
    d.importBusybox('busybox:latest');
    const w = { WHARF_HOST: d.host };
    const wNone = med(['bin/wharf', 'run', '--rm', '--network', 'none', 'busybox', 'true'], w);
    const wBridge = med(['bin/wharf', 'run', '--rm', 'busybox', 'true'], w);
    console.log(`wharf  run --rm: none ${wNone.toFixed(1)} ms, bridge ${wBridge.toFixed(1)} ms, network adds ${(wBridge - wNone).toFixed(1)} ms`);
    let dAdd: number | undefined;
    if (docker) {
      spawnSync('sh', ['-c', `bash scripts/busybox-rootfs.sh | ${docker} import -c 'CMD ["sh"]' - wharf-bench-busybox:latest`], { stdio: 'ignore' });
      const dNone = med([docker, 'run', '--rm', '--network', 'none', 'wharf-bench-busybox:latest', 'true'], {});
      const dBridge = med([docker, 'run', '--rm', 'wharf-bench-busybox:latest', 'true'], {});
      dAdd = dBridge - dNone;
      console.log(`docker run --rm: none ${dNone.toFixed(1)} ms, bridge ${dBridge.toFixed(1)} ms, network adds ${dAdd.toFixed(1)} ms`);
      console.log(`ratio of added setup time wharf/docker: ${((wBridge - wNone) / dAdd).toFixed(2)}x`);
    }
    spawnSync('bin/wharf', ['run', '-d', '--name', 'bench-httpd', '-p', '127.0.0.1:18181:8080', 'busybox', ...HTTPD], { env: { ...process.env, ...w } });
    const ip = spawnSync('bin/wharf', ['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'bench-httpd'], { env: { ...process.env, ...w } }).stdout.toString().trim();
    const wPub = await rps('127.0.0.1', 18181);
    const wDirect = await rps(ip, 8080);
    console.log(`wharf  req/s: published ${wPub.toFixed(0)}, direct ${wDirect.toFixed(0)} (${(wPub / wDirect).toFixed(2)}x of direct)`);
    if (docker) {
      spawnSync(docker, ['run', '-d', '--name', 'wharf-bench-httpd', '-p', '127.0.0.1:18182:8080', 'wharf-bench-busybox:latest', ...HTTPD]);
      const dip = spawnSync(docker, ['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'wharf-bench-httpd']).stdout.toString().trim();
      const dPub = await rps('127.0.0.1', 18182);
      const dDirect = await rps(dip, 8080);
      console.log(`docker req/s: published ${dPub.toFixed(0)}, direct ${dDirect.toFixed(0)} (${(dPub / dDirect).toFixed(2)}x of direct)`);
      console.log(`published-port throughput wharf/docker: ${(wPub / dPub).toFixed(2)}x`);
      spawnSync(docker, ['rm', '-f', 'wharf-bench-httpd'], { stdio: 'ignore' });
      spawnSync(docker, ['rmi', 'wharf-bench-busybox:latest'], { stdio: 'ignore' });
    }
  } finally {
    await d.cleanup();
  }
}

main().catch((err) => { console.error(err); process.exit(1); });

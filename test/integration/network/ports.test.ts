// Published ports: -p forms and ranges, -P with the image's EXPOSE, `port`, ps's Ports column; TCP and UDP
// reached from the host through 127.0.0.1 and the host's own address, from another container through the
// host (hairpin); a taken host port gives Docker's error and starts nothing; rm leaves no rule behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, connect, type Server } from 'node:net';
import { createSocket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { readFileSync } from 'node:fs';
import { TestDaemon, ok, skipUnlessRoot, dockerClient } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-net-ports');

before(async () => {
  if (skipUnlessRoot) return;
  await d.start();
  d.importBusybox('busybox:latest');
  d.importBusybox('exposing:latest', ['CMD ["sh"]', 'EXPOSE 7070 7071/udp']);
});
after(async () => { if (!skipUnlessRoot) await d.cleanup(); });

/** dockerd 20.10 adds an IPv6 `::` binding beside 0.0.0.0 when the host can listen on IPv6. */
const v6 = (() => { try { return readFileSync('/proc/net/if_inet6', 'utf8').includes('00000000000000000000000000000001'); } catch { return false; } })();
const both = (cport: string, hostPort: number) => `${cport} -> 0.0.0.0:${hostPort}\n${v6 ? `${cport} -> :::${hostPort}\n` : ''}`;
const inspect = (name: string, fmt: string) => ok(d.wharf(['inspect', '-f', fmt, name])).trim();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hostAddr = () => Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal && !i.address.startsWith('10.2') && !i.address.startsWith('172.'))?.address
  ?? Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)!.address;

/** A port nothing listens on now (the kernel's pick), outside Docker's ephemeral range used for -P. */
async function freePort(): Promise<number> {
  for (;;) {
    const p = 20000 + Math.floor(Math.random() * 20000);
    const free = await new Promise<boolean>((res) => { const s = createServer(); s.once('error', () => res(false)); s.listen(p, () => s.close(() => res(true))); });
    if (free) return p;
  }
}

/** Reads what the server sends, retrying until it answers (the container's listener may still be starting). */
async function fetchTcp(host: string, port: number, tries = 60): Promise<string> {
  for (let i = 0; i < tries; i++) {
    const got = await new Promise<string>((res) => {
      const s = connect({ host, port });
      let data = '';
      s.setTimeout(2000, () => s.destroy());
      s.on('data', (b) => { data += b; });
      s.on('close', () => res(data));
      s.on('error', () => res(''));
    });
    if (got) return got;
    await sleep(100);
  }
  return '';
}

const server = (name: string, port: number, text: string) => ['sh', '-c', `while true; do echo ${text} | nc -l -p ${port}; done`];

test('-p host:container over TCP answers on 127.0.0.1 and the host address; port and ps show it', { skip: skipUnlessRoot }, async () => {
  const p = await freePort();
  ok(d.wharf(['run', '-d', '--name', 'web1', '-p', `${p}:8080`, '--expose', '9090', 'busybox', ...server('web1', 8080, 'hello-tcp')]));
  assert.equal(await fetchTcp('127.0.0.1', p), 'hello-tcp\n');
  assert.equal(await fetchTcp(hostAddr(), p), 'hello-tcp\n');
  // The IPv6 twin is relayed by the daemon's socket (no DNAT from IPv6 to an IPv4 container).
  if (v6) assert.equal(await fetchTcp('::1', p), 'hello-tcp\n');
  assert.equal(ok(d.wharf(['port', 'web1'])), both('8080/tcp', p));
  assert.equal(ok(d.wharf(['port', 'web1', '8080'])), `0.0.0.0:${p}\n${v6 ? `:::${p}\n` : ''}`);
  assert.equal(ok(d.wharf(['ps', '--filter', 'name=web1', '--format', '{{.Ports}}'])).trim(), `9090/tcp, 0.0.0.0:${p}->8080/tcp${v6 ? `, :::${p}->8080/tcp` : ''}`);
  assert.equal(inspect('web1', '{{json .NetworkSettings.Ports}}'), JSON.stringify({ '8080/tcp': [{ HostIp: '0.0.0.0', HostPort: String(p) }, ...(v6 ? [{ HostIp: '::', HostPort: String(p) }] : [])], '9090/tcp': null }));
  // (docker 20.10's client prints ":::port", newer ones "[::]:port")
  if (dockerClient()) assert.equal(ok(d.docker(['port', 'web1'])).replace('[::]:', ':::'), both('8080/tcp', p));
  // The daemon holds the host port, as docker-proxy does: nobody else can take it meanwhile.
  const squat = createServer();
  const err = await new Promise<string>((res) => { squat.once('error', (e: NodeJS.ErrnoException) => res(e.code ?? '')); squat.listen(p, '0.0.0.0', () => res('bound')); });
  squat.close();
  assert.equal(err, 'EADDRINUSE');
  // Hairpin: another container, and the container itself, through the host's address.
  ok(d.wharf(['run', '-d', '--name', 'client1', 'busybox', 'sleep', '300']));
  let got = '';
  for (let i = 0; i < 30 && !got; i++) got = d.wharf(['exec', 'client1', 'nc', '-w', '2', hostAddr(), String(p)]).stdout;
  assert.equal(got, 'hello-tcp\n');
  got = '';
  for (let i = 0; i < 30 && !got; i++) got = d.wharf(['exec', 'web1', 'nc', '-w', '2', hostAddr(), String(p)]).stdout;
  assert.equal(got, 'hello-tcp\n');
  ok(d.wharf(['rm', '-f', 'web1', 'client1']));
  const rules = spawnSync('iptables-save', ['-t', 'nat']).stdout.toString();
  assert.ok(!rules.includes(`--dport ${p} `), `no DNAT rule left for ${p}`);
  assert.equal(await fetchTcp('127.0.0.1', p, 1), '');
});

test('UDP, an address-bound port, a range, and -P with the image\'s EXPOSE', { skip: skipUnlessRoot }, async () => {
  const u = await freePort();
  const u2 = await freePort();
  ok(d.wharf(['run', '-d', '--name', 'udp1', '-p', `127.0.0.1:${u}:5353/udp`, '-p', `${u2}:5353/udp`, 'busybox', 'sleep', '300']));
  // busybox has no UDP server: a UDP echo runs inside the container's network namespace (its SandboxKey),
  // which is exactly the path a packet to the published port takes (DNAT, bridge, veth).
  const key = inspect('udp1', '{{.NetworkSettings.SandboxKey}}');
  const echo = spawn('nsenter', [`--net=${key}`, process.execPath, '-e',
    "const s=require('dgram').createSocket('udp4');s.on('message',(m,r)=>s.send(Buffer.concat([Buffer.from('echo:'),m]),r.port,r.address));s.bind(5353,()=>console.log('ready'))"], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((res) => echo.stdout!.once('data', res));
  const udpAsk = async (host: string, port: number): Promise<string> => {
    const sock = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    let reply = '';
    sock.on('message', (m) => { reply = m.toString(); });
    for (let i = 0; i < 50 && !reply; i++) { sock.send('ping-udp', port, host); await sleep(100); }
    sock.close();
    return reply;
  };
  assert.equal(await udpAsk('127.0.0.1', u), 'echo:ping-udp');
  assert.equal(await udpAsk('127.0.0.1', u2), 'echo:ping-udp');
  // IPv6 reaches the container through the daemon's relay socket.
  if (v6) assert.equal(await udpAsk('::1', u2), 'echo:ping-udp');
  echo.kill();
  assert.equal(ok(d.wharf(['port', 'udp1'])), `5353/udp -> 127.0.0.1:${u}\n${both('5353/udp', u2)}`);
  const r = await freePort();
  ok(d.wharf(['run', '-d', '--name', 'range1', '-p', `${r}-${r + 1}:6000-6001`, 'busybox', 'sleep', '300']));
  assert.equal(ok(d.wharf(['port', 'range1'])), both('6000/tcp', r) + both('6001/tcp', r + 1));
  ok(d.wharf(['run', '-d', '--name', 'pall', '-P', 'exposing', ...server('pall', 7070, 'hello-P')]));
  const out = ok(d.wharf(['port', 'pall']));
  const m = /^7070\/tcp -> 0\.0\.0\.0:(\d+)\n(?:7070\/tcp -> :::\d+\n)?7071\/udp -> 0\.0\.0\.0:(\d+)\n/.exec(out);
  assert.ok(m, out);
  assert.equal(out, both('7070/tcp', Number(m![1])) + both('7071/udp', Number(m![2])));
  // Random host ports come from the kernel's ephemeral range, as dockerd's allocator takes them.
  const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  for (const port of [m![1], m![2]]) assert.ok(Number(port) >= lo! && Number(port) <= hi!, `${port} in ${lo}-${hi}`);
  assert.equal(await fetchTcp('127.0.0.1', Number(m![1])), 'hello-P\n');
  ok(d.wharf(['rm', '-f', 'udp1', 'range1', 'pall']));
});

test('a taken host port: Docker\'s error, exit 125, the container is not started', { skip: skipUnlessRoot }, async () => {
  const p = await freePort();
  const srv: Server = createServer();
  await new Promise<void>((res) => srv.listen(p, '0.0.0.0', () => res()));
  try {
    const r = d.wharf(['run', '-d', '--name', 'taken1', '-p', `${p}:80`, 'busybox', 'sleep', '300']);
    assert.equal(r.code, 125);
    const id = inspect('taken1', '{{.Id}}');
    assert.match(r.stderr, new RegExp(`Error response from daemon: driver failed programming external connectivity on endpoint taken1 \\([0-9a-f]{64}\\): Error starting userland proxy: listen tcp4 0\\.0\\.0\\.0:${p}: bind: address already in use`));
    assert.equal(inspect('taken1', '{{.State.Status}}'), 'created');
    assert.ok(id);
  } finally {
    srv.close();
  }
  const q = await freePort();
  ok(d.wharf(['run', '-d', '--name', 'own1', '-p', `${q}:80`, 'busybox', 'sleep', '300']));
  const r2 = d.wharf(['run', '-d', '--name', 'own2', '-p', `${q}:80`, 'busybox', 'sleep', '300']);
  assert.equal(r2.code, 125);
  assert.match(r2.stderr, new RegExp(`endpoint own2 \\([0-9a-f]{64}\\): Bind for 0\\.0\\.0\\.0:${q} failed: port is already allocated`));
  assert.equal(inspect('own2', '{{.State.Status}}'), 'created');
  // A range: ports of our own containers are skipped, but a port another program holds is the error (dockerd
  // does not retry an explicitly chosen port), so the range does not silently move past it.
  const srv2: Server = createServer();
  // (if something else already holds q+1, it is taken all the same)
  await new Promise<void>((res) => { srv2.once('error', () => res()); srv2.listen(q + 1, '0.0.0.0', () => res()); });
  try {
    const r3 = d.wharf(['run', '-d', '--name', 'own3', '-p', `${q}-${q + 2}:80`, 'busybox', 'sleep', '300']);
    assert.equal(r3.code, 125);
    assert.match(r3.stderr, new RegExp(`endpoint own3 \\([0-9a-f]{64}\\): Error starting userland proxy: listen tcp4 0\\.0\\.0\\.0:${q + 1}: bind: address already in use`));
  } finally {
    srv2.close();
  }
  ok(d.wharf(['rm', '-f', 'taken1', 'own1', 'own2', 'own3']));
});

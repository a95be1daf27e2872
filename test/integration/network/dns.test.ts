// Name resolution on user-defined networks through the embedded DNS server, with real containers asking
// 127.0.0.11 (busybox nslookup/ping, and a raw TCP query through nc): names, aliases and short IDs of
// containers on the same network, nothing across networks, PTR, other names forwarded to the host's
// resolver (a fake upstream on a loopback address, named by the daemon's resolv.conf stand-in), the same
// after a daemon restart, nothing left once containers and networks are gone. Also the default bridge's
// resolv.conf, --add-host host-gateway and legacy --link, compared with what dockerd writes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dnsPacket from 'dns-packet';
import { TestDaemon, ok, skipUnlessRoot, dockerClient, repoRoot } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-dns');
const tag = process.pid.toString(36);
const netA = `dnsa-${tag}`;
const netB = `dnsb-${tag}`;
// The fake upstream: a loopback address of its own, which only the host namespace reaches (as with a
// host running a local resolver: dockerd's embedded server forwards to it from the host namespace).
const upstreamIp = `127.${53}.${Math.floor(Math.random() * 250) + 1}.${Math.floor(Math.random() * 250) + 1}`;
const askedLog = join(d.dir, 'upstream-asked.log');
let upstream: ChildProcess | undefined;
/** The names the fake upstream was asked, in order. */
const asked = () => { try { return readFileSync(askedLog, 'utf8').split('\n').filter(Boolean); } catch { return []; } };
const clearAsked = () => writeFileSync(askedLog, '');

before(async () => {
  if (skipUnlessRoot) return;
  clearAsked();
  upstream = spawn(process.execPath, [join(repoRoot, 'dist/test/helpers/fake-dns.js'), upstreamIp, askedLog], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    upstream!.stdout!.once('data', () => resolve());
    upstream!.once('exit', (c) => reject(new Error(`fake upstream exited ${c}`)));
  });
  const resolv = join(d.dir, 'host-resolv.conf');
  writeFileSync(resolv, `nameserver ${upstreamIp}\n`);
  process.env.WHARF_RESOLV_CONF = resolv;
  await d.start();
  d.importBusybox('busybox:latest');
  ok(d.docker(['network', 'create', netA]));
  ok(d.docker(['network', 'create', netB]));
  // One asking container per network; queries run as execs in them (fast, and plain pipes).
  ok(d.wharf(['run', '-d', '--name', `asker-a-${tag}`, '--network', netA, 'busybox', 'sleep', '600']));
  ok(d.wharf(['run', '-d', '--name', `asker-b-${tag}`, '--network', netB, 'busybox', 'sleep', '600']));
});

after(async () => {
  if (skipUnlessRoot) return;
  await d.cleanup();
  upstream?.kill('SIGTERM');
});

const ipOf = (name: string, net: string) => ok(d.wharf(['inspect', '-f', `{{(index .NetworkSettings.Networks "${net}").IPAddress}}`, name])).trim();
const gatewayOf = (net: string) => ok(d.docker(['network', 'inspect', '-f', '{{(index .IPAM.Config 0).Gateway}}', net])).trim();
/** nslookup's answer addresses (busybox prints "Address: IP" after "Name:"). */
const addresses = (out: string) => [...out.matchAll(/^Address:\s*(\d+\.\d+\.\d+\.\d+)$/gm)].map((m) => m[1]).filter((a) => !a!.startsWith('127.0.0.11'));
const asker = (net: string) => (net === netA ? `asker-a-${tag}` : `asker-b-${tag}`);
const inAsker = (net: string, script: string) => d.wharf(['exec', asker(net), 'sh', '-c', script]);
const lookup = (net: string, name: string) => d.wharf(['exec', asker(net), 'nslookup', name]);
const listening = (ip: string) => spawnSync('ss', ['-Hlnu', 'src', `${ip}:53`]).stdout.toString().trim() !== '';

test('names, aliases and short IDs resolve on the same network, ping reaches them; resolv.conf like dockerd', { skip: skipUnlessRoot }, () => {
  const id = ok(d.wharf(['run', '-d', '--name', `web-${tag}`, '--network', netA, '--network-alias', 'www', 'busybox', 'sleep', '600'])).trim();
  const ip = ipOf(`web-${tag}`, netA);
  const out = ok(inAsker(netA,
    `cat /etc/resolv.conf; for n in web-${tag} www ${id.slice(0, 12)} web-${tag}.${netA} WWW; do nslookup $n; done; ping -c1 -W3 www >/dev/null && echo PING-OK`));
  assert.ok(out.startsWith('nameserver 127.0.0.11\noptions ndots:0\n'), out);
  assert.deepEqual(addresses(out), [ip, ip, ip, ip, ip], out);
  assert.match(out, /PING-OK/);
  assert.ok(listening(gatewayOf(netA)), 'the server listens on the network gateway');
});

test('PTR answers <name>.<network>; AAAA of a known name is empty, not forwarded', { skip: skipUnlessRoot }, () => {
  const ip = ipOf(`web-${tag}`, netA);
  clearAsked();
  const out = ok(lookup(netA, ip));
  assert.match(out, new RegExp(`name = web-${tag}\\.${netA}`));
  ok(d.wharf(['exec', asker(netA), 'nslookup', '-type=aaaa', `web-${tag}`]));
  assert.ok(!asked().includes(`web-${tag}`), `asked upstream: ${asked()}`);
});

test('no names across networks: the other network\'s names go upstream and fail there', { skip: skipUnlessRoot }, () => {
  ok(d.wharf(['run', '-d', '--name', `other-${tag}`, '--network', netB, 'busybox', 'sleep', '600']));
  clearAsked();
  const fromA = lookup(netA, `other-${tag}`);
  assert.match(fromA.stdout + fromA.stderr, /NXDOMAIN/);
  assert.deepEqual(addresses(fromA.stdout), []);
  const fromB = lookup(netB, `web-${tag}`);
  assert.match(fromB.stdout + fromB.stderr, /NXDOMAIN/);
  assert.ok(asked().includes(`other-${tag}`) && asked().includes(`web-${tag}`), `upstream saw ${asked()}`);
  const own = ok(lookup(netB, `other-${tag}`));
  assert.deepEqual(addresses(own), [ipOf(`other-${tag}`, netB)]);
});

test('other names are forwarded to the host\'s resolver, over UDP and over TCP', { skip: skipUnlessRoot }, () => {
  clearAsked();
  assert.deepEqual(addresses(ok(lookup(netA, 'outside.test'))), ['192.0.2.10']);
  // A DNS-over-TCP query written by hand through nc to 127.0.0.11:53 (stdin held open: busybox nc quits at its EOF).
  const q = dnsPacket.encode({ type: 'query', id: 4242, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: 'outside.test', class: 'IN' }] });
  const framed = Buffer.concat([Buffer.from([q.length >> 8, q.length & 0xff]), q]);
  const octal = [...framed].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('');
  const hex = ok(inAsker(netA, `(printf '${octal}'; sleep 2) | nc -w 3 127.0.0.11 53 | od -An -v -tx1`));
  const bytes = Buffer.from(hex.replace(/\s+/g, ''), 'hex');
  const reply = dnsPacket.decode(bytes.subarray(2));
  assert.equal(reply.id, 4242);
  assert.deepEqual((reply.answers ?? []).map((a) => (a as { data: string }).data), ['192.0.2.10']);
  assert.ok(asked().filter((n) => n === 'outside.test').length >= 2, `upstream saw ${asked()}`);
});

test('the real docker client: run --network --network-alias, resolved by another container', { skip: skipUnlessRoot || !dockerClient() }, () => {
  ok(d.docker(['run', '-d', '--name', `api-${tag}`, '--network', netA, '--network-alias', 'apisvc', 'busybox', 'sleep', '600']));
  const out = ok(lookup(netA, 'apisvc'));
  assert.deepEqual(addresses(out), [ipOf(`api-${tag}`, netA)]);
});

test('after a daemon restart running containers still resolve', { skip: skipUnlessRoot }, async () => {
  await d.stop();
  await d.start();
  const out = ok(lookup(netA, `api-${tag}`));
  assert.deepEqual(addresses(out), [ipOf(`api-${tag}`, netA)]);
});

test('a renamed container answers to its new name', { skip: skipUnlessRoot }, () => {
  ok(d.wharf(['rename', `web-${tag}`, `web2-${tag}`]));
  assert.deepEqual(addresses(ok(lookup(netA, `web2-${tag}`))), [ipOf(`web2-${tag}`, netA)]);
});

test('a default-bridge container connected to a user network gets the embedded server in resolv.conf and resolves there', { skip: skipUnlessRoot }, () => {
  ok(d.wharf(['run', '-d', '--name', `late-${tag}`, 'busybox', 'sleep', '600']));
  assert.doesNotMatch(ok(d.wharf(['exec', `late-${tag}`, 'cat', '/etc/resolv.conf'])), /127\.0\.0\.11/);
  ok(d.docker(['network', 'connect', netA, `late-${tag}`]));
  assert.equal(ok(d.wharf(['exec', `late-${tag}`, 'cat', '/etc/resolv.conf'])), 'nameserver 127.0.0.11\noptions ndots:0\n');
  assert.deepEqual(addresses(ok(d.wharf(['exec', `late-${tag}`, 'nslookup', asker(netA)]))), [ipOf(asker(netA), netA)]);
  ok(d.wharf(['rm', '-f', `late-${tag}`]));
});

test('removed containers stop resolving; a removed network\'s listener goes', { skip: skipUnlessRoot }, () => {
  ok(d.wharf(['rm', '-f', `api-${tag}`]));
  const out = lookup(netA, `api-${tag}`);
  assert.deepEqual(addresses(out.stdout), []);
  ok(d.wharf(['rm', '-f', `other-${tag}`, asker(netB)]));
  const gw = gatewayOf(netB);
  assert.ok(listening(gw));
  ok(d.docker(['network', 'rm', netB]));
  assert.ok(!listening(gw), 'no listener left on the removed network\'s gateway');
});

test('default bridge: the host\'s resolv.conf minus loopback servers, no embedded server', { skip: skipUnlessRoot }, () => {
  const out = ok(d.wharf(['run', '--rm', 'busybox', 'cat', '/etc/resolv.conf']));
  // The stand-in host file has only a loopback server: dockerd falls back to Google's.
  assert.equal(out, '\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n');
  const custom = ok(d.wharf(['run', '--rm', '--dns', '192.0.2.53', '--dns-search', 'corp.test', '--dns-option', 'ndots:3', 'busybox', 'cat', '/etc/resolv.conf']));
  assert.equal(custom, 'search corp.test\nnameserver 192.0.2.53\noptions ndots:3\n');
});

test('--add-host with host-gateway and legacy --link: hosts lines and variables like dockerd', { skip: skipUnlessRoot }, () => {
  ok(d.wharf(['run', '-d', '--name', `db-${tag}`, '--hostname', 'dbhost', '-e', 'FOO=bar', '--expose', '5432', 'busybox', 'sleep', '600']));
  const dbIp = ok(d.wharf(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', `db-${tag}`])).trim();
  const gw = d.bip.split('/')[0];
  ok(d.wharf(['run', '-d', '--name', `app-${tag}`, '--link', `db-${tag}:data`, '--add-host', 'gw:host-gateway', '--hostname', 'h1', '--domainname', 'example.com',
    'busybox', 'sh', '-c', 'cat /etc/hosts; env']));
  ok(d.wharf(['wait', `app-${tag}`]));
  const out = ok(d.wharf(['logs', `app-${tag}`]));
  // The app's own address is released when it exits (as in dockerd 20.10), so it is matched by shape.
  assert.ok(out.includes(`ff02::2\tip6-allrouters\n${gw}\tgw\n${dbIp}\tdata dbhost db-${tag}\n`), out);
  assert.match(out, /\n\d+\.\d+\.\d+\.\d+\th1\.example\.com h1\n/);
  for (const v of [`DATA_PORT=tcp://${dbIp}:5432`, `DATA_PORT_5432_TCP_ADDR=${dbIp}`, `DATA_NAME=/app-${tag}/data`, 'DATA_ENV_FOO=bar']) assert.ok(out.includes(`${v}\n`), v);
  assert.equal(ok(d.wharf(['inspect', '-f', '{{json .HostConfig.Links}}', `app-${tag}`])).trim(), `["/db-${tag}:/app-${tag}/data"]`);
  ok(d.wharf(['stop', `db-${tag}`]));
  const stopped = d.wharf(['start', `app-${tag}`]);
  assert.notEqual(stopped.code, 0);
  assert.match(stopped.stderr, new RegExp(`Cannot link to a non running container: /db-${tag} AS /app-${tag}/data`));
  const missing = d.wharf(['create', '--link', 'nosuch-x:y', 'busybox']);
  assert.match(missing.stderr, /could not get container for nosuch-x: No such container: nosuch-x/);
  // ps lists a linked container under its link name too; `rm --link` drops the link, as dockerd.
  const names = () => ok(d.docker(['ps', '-a', '--no-trunc', '--filter', `name=db-${tag}`, '--format', '{{.Names}}'])).trim();
  assert.equal(names(), `db-${tag},app-${tag}/data`);
  assert.equal(ok(d.docker(['rm', '--link', `app-${tag}/data`])), `app-${tag}/data\n`);
  assert.equal(names(), `db-${tag}`);
  assert.equal(ok(d.wharf(['inspect', '-f', '{{json .HostConfig.Links}}', `app-${tag}`])).trim(), '[]');
  assert.equal(d.docker(['rm', '--link', `app-${tag}/data`]).stderr, `Error response from daemon: No such container: app-${tag}/data\n`);
  assert.equal(d.docker(['rm', '--link', `db-${tag}`]).stderr, 'Error response from daemon: Conflict, cannot remove the default link name of the container\n');
});

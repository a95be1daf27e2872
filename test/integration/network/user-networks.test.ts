// User-defined bridge networks through the real docker client and wharf: create/inspect/ls/rm with dockerd's
// JSON and errors, containers on one network reaching each other, isolation between networks, --internal
// without a way out, connect/disconnect on a running container, a daemon restart with networks intact, and
// no bridge, veth or iptables rule left once everything is removed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { TestDaemon, ok, skipUnlessRoot } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-net-user');
const outside = `wno${process.pid.toString(16).slice(-5)}`;

before(async () => {
  if (skipUnlessRoot) return;
  await d.start();
  d.importBusybox('busybox:latest');
});
after(async () => {
  if (skipUnlessRoot) return;
  spawnSync('ip', ['netns', 'del', outside]);
  await d.cleanup();
});

/** /24s nobody on the host routes (10.251-254.x: away from the test daemons' default bridges). */
const taken = new Set<string>();
function freeSubnet(): string {
  const routes = readFileSync('/proc/net/route', 'utf8');
  for (;;) {
    const a = 251 + Math.floor(Math.random() * 4);
    const b = Math.floor(Math.random() * 256);
    const hex = [0, b, a, 10].map((x) => x.toString(16).padStart(2, '0')).join('').toUpperCase();
    if (routes.includes(hex) || taken.has(`${a}.${b}`)) continue;
    taken.add(`${a}.${b}`);
    return `10.${a}.${b}.0/24`;
  }
}
const net = (s: string, host: number) => s.replace(/0\/24$/, String(host));
const inspect = (name: string, fmt: string) => ok(d.docker(['inspect', '-f', fmt, name])).trim();
const netJson = (name: string) => JSON.parse(ok(d.docker(['network', 'inspect', name])))[0];
const ping = (from: string, ip: string) => d.docker(['exec', from, 'ping', '-c', '1', '-W', '2', ip]).code === 0;
const iptablesDump = () => spawnSync('iptables-save').stdout.toString();
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
function sh(cmds: string[]): void {
  const r = spawnSync('sh', ['-ec', cmds.join('\n')]);
  assert.equal(r.status, 0, r.stderr.toString());
}

test('create, inspect, ls and rm through the docker client with dockerd JSON and errors', { skip: skipUnlessRoot }, () => {
  const subnet = freeSubnet();
  const id = ok(d.docker(['network', 'create', '--subnet', subnet, '--label', 'team=a', 'un-basic'])).trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  const n = netJson('un-basic');
  assert.equal(n.Id, id);
  assert.equal(n.Driver, 'bridge');
  assert.deepEqual(n.IPAM, { Driver: 'default', Options: {}, Config: [{ Subnet: subnet }] });
  assert.deepEqual(n.Labels, { team: 'a' });
  assert.deepEqual(n.Containers, {});
  // dockerd's bridge name and gateway address.
  const br = `br-${id.slice(0, 12)}`;
  assert.match(spawnSync('ip', ['-4', '-o', 'addr', 'show', 'dev', br]).stdout.toString(), new RegExp(`inet ${net(subnet, 1).replace(/\./g, '\\.')}/24`));
  assert.match(iptablesDump(), new RegExp(`-i ${br} -o ${d.bridge} -j DROP`));

  const dup = d.docker(['network', 'create', 'un-basic']);
  assert.equal(dup.code, 1);
  assert.equal(dup.stderr, 'Error response from daemon: network with name un-basic already exists\n');
  const overlap = d.docker(['network', 'create', '--subnet', subnet, 'un-overlap']);
  assert.equal(overlap.stderr, 'Error response from daemon: Pool overlaps with other one on this address space\n');
  assert.equal(d.docker(['network', 'create', '-d', 'nope', 'un-x']).stderr, 'Error response from daemon: plugin "nope" not found\n');
  assert.equal(d.docker(['network', 'create', '--ipv6', 'un-x']).stderr, 'Error response from daemon: could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network\n');
  assert.equal(d.docker(['network', 'create', '--subnet', '10.251.0.0/33', 'un-x']).stderr, 'Error response from daemon: Invalid subnet 10.251.0.0/33 : invalid CIDR address: 10.251.0.0/33\n');
  assert.match(d.docker(['network', 'rm', 'bridge']).stderr, /^Error response from daemon: bridge is a pre-defined network and cannot be removed\n/);

  // No subnet: one is picked from the default pools and echoed with its gateway.
  ok(d.docker(['network', 'create', 'un-auto']));
  const auto = netJson('un-auto');
  assert.match(auto.IPAM.Config[0].Subnet, /^\d+\.\d+\.\d+\.\d+\/\d+$/);
  assert.ok(auto.IPAM.Config[0].Gateway);

  const ls = ok(d.docker(['network', 'ls', '--filter', 'type=custom', '--format', '{{.Name}} {{.Driver}}'])).split('\n').filter(Boolean).sort();
  assert.deepEqual(ls, ['un-auto bridge', 'un-basic bridge']);
  assert.deepEqual(ok(d.docker(['network', 'ls', '-q', '--filter', 'label=team=a'])).trim(), id.slice(0, 12));

  assert.equal(ok(d.docker(['network', 'rm', 'un-basic', 'un-auto'])), 'un-basic\nun-auto\n');
  assert.ok(!existsSync(`/sys/class/net/${br}`), 'bridge removed');
  assert.doesNotMatch(iptablesDump(), new RegExp(br));
});

test('containers on one network reach each other; other networks are isolated; ports publish', { skip: skipUnlessRoot }, async () => {
  const s1 = freeSubnet();
  const s2 = freeSubnet();
  ok(d.docker(['network', 'create', '--subnet', s1, 'un-front']));
  ok(d.docker(['network', 'create', '--subnet', s2, 'un-back']));
  const fixed = net(s1, 50);
  ok(d.docker(['run', '-d', '--name', 'un-a', '--network', 'un-front', '--network-alias', 'web', '--ip', fixed, '-p', '127.0.0.1::8080', 'busybox', 'sh', '-c', 'while true; do echo served | nc -l -p 8080; done']));
  ok(d.docker(['run', '-d', '--name', 'un-b', '--network', 'un-front', 'busybox', 'sleep', '300']));
  ok(d.docker(['run', '-d', '--name', 'un-c', '--network', 'un-back', 'busybox', 'sleep', '300']));
  const id = inspect('un-a', '{{.Id}}');

  // inspect like dockerd: the network's entry filled in, top-level fields empty for a user-defined network.
  const ns = JSON.parse(inspect('un-a', '{{json .NetworkSettings}}'));
  assert.equal(ns.IPAddress, '');
  assert.equal(ns.Gateway, '');
  const e = ns.Networks['un-front'];
  assert.equal(e.IPAddress, fixed);
  assert.equal(e.Gateway, net(s1, 1));
  assert.equal(e.IPPrefixLen, 24);
  assert.deepEqual(e.IPAMConfig, { IPv4Address: fixed });
  assert.deepEqual(e.Aliases, ['web', id.slice(0, 12)]);
  assert.equal(e.NetworkID, netJson('un-front').Id);
  assert.equal(e.MacAddress, `02:42:${fixed.split('.').map((b) => Number(b).toString(16).padStart(2, '0')).join(':')}`);
  const members = netJson('un-front').Containers;
  assert.equal(members[id].Name, 'un-a');
  assert.equal(members[id].IPv4Address, `${fixed}/24`);

  assert.deepEqual(ok(d.docker(['ps', '--filter', 'network=un-front', '--format', '{{.Names}}'])).split('\n').filter(Boolean).sort(), ['un-a', 'un-b']);
  assert.equal(ok(d.docker(['ps', '--filter', `network=${netJson('un-back').Id.slice(0, 10)}`, '--format', '{{.Names}} {{.Networks}}'])), 'un-c un-back\n');
  const ipC = inspect('un-c', '{{(index .NetworkSettings.Networks "un-back").IPAddress}}');
  assert.ok(ping('un-b', fixed), 'same network reachable');
  assert.ok(!ping('un-b', ipC), 'other network unreachable');
  assert.ok(!ping('un-c', fixed), 'isolation both ways');
  // A published port of a container on a user-defined network answers on 127.0.0.1.
  const port = ok(d.docker(['port', 'un-a', '8080'])).trim().split(':').pop();
  assert.equal((await fetchTcp('127.0.0.1', Number(port))).trim(), 'served');

  const busy = d.docker(['network', 'rm', 'un-front']);
  assert.equal(busy.code, 1);
  assert.ok(busy.stderr.startsWith(`Error response from daemon: error while removing network: network un-front id ${netJson('un-front').Id} has active endpoints\n`), busy.stderr);
  ok(d.docker(['rm', '-f', 'un-a', 'un-b', 'un-c']));
  ok(d.docker(['network', 'rm', 'un-front', 'un-back']));
});

test('--internal: members reach each other, nothing beyond the bridge, no published port until an external network joins', { skip: skipUnlessRoot }, async () => {
  // A stand-in for "outside": a namespace behind a veth on the host, reached through the host's routing.
  const out = freeSubnet();
  spawnSync('ip', ['netns', 'add', outside]);
  const hostEnd = `${outside}h`;
  sh([
    `ip link add ${hostEnd} type veth peer name eth0 netns ${outside}`,
    `ip addr add ${net(out, 1)}/24 dev ${hostEnd}`, `ip link set ${hostEnd} up`,
    `ip -n ${outside} addr add ${net(out, 2)}/24 dev eth0`, `ip -n ${outside} link set eth0 up`, `ip -n ${outside} link set lo up`,
    `ip -n ${outside} route add default via ${net(out, 1)}`,
  ]);
  const si = freeSubnet();
  const so = freeSubnet();
  ok(d.docker(['network', 'create', '--internal', '--subnet', si, 'un-int']));
  ok(d.docker(['network', 'create', '--subnet', so, 'un-open']));
  assert.equal(netJson('un-int').Internal, true);
  ok(d.docker(['run', '-d', '--name', 'un-i1', '--network', 'un-int', 'busybox', 'sleep', '300']));
  ok(d.docker(['run', '-d', '--name', 'un-i2', '--network', 'un-int', 'busybox', 'sleep', '300']));
  ok(d.docker(['run', '-d', '--name', 'un-o1', '--network', 'un-open', 'busybox', 'sleep', '300']));
  assert.ok(ping('un-i2', inspect('un-i1', '{{(index .NetworkSettings.Networks "un-int").IPAddress}}')), 'internal members reach each other');
  assert.ok(ping('un-o1', net(out, 2)), 'a normal network gets out');
  assert.ok(!ping('un-i1', net(out, 2)), 'an internal network does not');
  assert.doesNotMatch(iptablesDump(), new RegExp(`-s ${si.replace(/\./g, '\\.')} .*MASQUERADE`));
  // No way in either: like dockerd, ports are published only through an external endpoint; once one is
  // connected they are, and they stay listed (and held) after it goes, leading nowhere.
  ok(d.docker(['run', '-d', '--name', 'un-ip', '--network', 'un-int', '-p', '127.0.0.1::8080', 'busybox', 'sh', '-c', 'while true; do echo inside | nc -l -p 8080; done']));
  assert.equal(ok(d.docker(['port', 'un-ip'])), '');
  assert.equal(inspect('un-ip', '{{json .NetworkSettings.Ports}}'), '{}');
  ok(d.docker(['network', 'connect', 'un-open', 'un-ip']));
  const published = Number(ok(d.docker(['port', 'un-ip', '8080'])).trim().split(':').pop());
  assert.equal((await fetchTcp('127.0.0.1', published)).trim(), 'inside');
  ok(d.docker(['network', 'disconnect', 'un-open', 'un-ip']));
  assert.equal(ok(d.docker(['port', 'un-ip'])), `8080/tcp -> 127.0.0.1:${published}\n`);
  assert.equal(await fetchTcp('127.0.0.1', published, 3), '');
  ok(d.docker(['rm', '-f', 'un-i1', 'un-i2', 'un-o1', 'un-ip']));
  ok(d.docker(['network', 'rm', 'un-int', 'un-open']));
  spawnSync('ip', ['netns', 'del', outside]);
});

test('connect and disconnect a running container: the interface comes and goes, the default route follows', { skip: skipUnlessRoot }, () => {
  const sa = freeSubnet();
  const sb = freeSubnet();
  ok(d.docker(['network', 'create', '--subnet', sa, 'un-m1']));
  ok(d.docker(['network', 'create', '--subnet', sb, 'un-m2']));
  ok(d.docker(['run', '-d', '--name', 'un-hot', '--network', 'un-m2', 'busybox', 'sleep', '300']));
  ok(d.docker(['run', '-d', '--name', 'un-peer', '--network', 'un-m1', 'busybox', 'sleep', '300']));
  const peer = inspect('un-peer', '{{(index .NetworkSettings.Networks "un-m1").IPAddress}}');
  assert.ok(!ping('un-hot', peer));

  ok(d.docker(['network', 'connect', '--alias', 'late', '--ip', net(sa, 77), 'un-m1', 'un-hot']));
  const id = inspect('un-hot', '{{.Id}}');
  const addrs = ok(d.docker(['exec', 'un-hot', 'ip', '-o', 'addr']));
  // IPv6 is off in the container like dockerd's, for the hot-plugged interface too.
  assert.doesNotMatch(addrs, /inet6/);
  assert.match(addrs, new RegExp(`eth1\\s+inet ${net(sa, 77).replace(/\./g, '\\.')}/24`));
  // un-m1 sorts before un-m2: like libnetwork, the default route moves to it.
  assert.match(ok(d.docker(['exec', 'un-hot', 'ip', 'route'])), new RegExp(`default via ${net(sa, 1).replace(/\./g, '\\.')} dev eth1`));
  assert.ok(ping('un-hot', peer), 'reachable once connected');
  const e = JSON.parse(inspect('un-hot', '{{json (index .NetworkSettings.Networks "un-m1")}}'));
  assert.deepEqual(e.Aliases, ['late', id.slice(0, 12)]);
  assert.equal(e.IPAddress, net(sa, 77));
  assert.ok(netJson('un-m1').Containers[id]);
  const again = d.docker(['network', 'connect', 'un-m1', 'un-hot']);
  assert.match(again.stderr, /^Error response from daemon: endpoint with name un-hot already exists in network un-m1\n/);

  ok(d.docker(['network', 'disconnect', 'un-m1', 'un-hot']));
  assert.doesNotMatch(ok(d.docker(['exec', 'un-hot', 'ip', '-o', 'link'])), /eth1/);
  assert.match(ok(d.docker(['exec', 'un-hot', 'ip', 'route'])), new RegExp(`default via ${net(sb, 1).replace(/\./g, '\\.')} dev eth0`));
  assert.ok(!ping('un-hot', peer), 'unreachable once disconnected');
  assert.equal(inspect('un-hot', '{{len .NetworkSettings.Networks}}'), '1');
  assert.equal(netJson('un-m1').Containers[id], undefined);
  // The address is free again: another container can take it.
  ok(d.docker(['run', '-d', '--name', 'un-reuse', '--network', 'un-m1', '--ip', net(sa, 77), 'busybox', 'sleep', '300']));

  // A stopped container only records the attachment, and joins both networks when it starts.
  ok(d.docker(['create', '--name', 'un-cold', '--network', 'un-m2', 'busybox', 'sleep', '300']));
  ok(d.docker(['network', 'connect', 'un-m1', 'un-cold']));
  const cold = JSON.parse(inspect('un-cold', '{{json .NetworkSettings.Networks}}'));
  assert.deepEqual(Object.keys(cold).sort(), ['un-m1', 'un-m2']);
  assert.equal(cold['un-m1'].IPAddress, '');
  ok(d.docker(['start', 'un-cold']));
  const links = ok(d.docker(['exec', 'un-cold', 'ip', '-o', '-4', 'addr']));
  assert.match(links, /eth0/);
  assert.match(links, /eth1/);
  ok(d.docker(['rm', '-f', 'un-hot', 'un-peer', 'un-reuse', 'un-cold']));
  ok(d.docker(['network', 'rm', 'un-m1', 'un-m2']));
});

test('addresses and interface names as dockerd 20.10 hands them out: the lowest free address, reused at once; eth<N> counts up', { skip: skipUnlessRoot }, () => {
  const s = freeSubnet();
  ok(d.docker(['network', 'create', '--subnet', s, 'un-ipam']));
  const ipOf = (c: string) => inspect(c, '{{(index .NetworkSettings.Networks "un-ipam").IPAddress}}');
  for (const c of ['un-p1', 'un-p2', 'un-p3']) ok(d.docker(['run', '-d', '--name', c, '--network', 'un-ipam', 'busybox', 'sleep', '300']));
  assert.deepEqual(['un-p1', 'un-p2', 'un-p3'].map(ipOf), [net(s, 2), net(s, 3), net(s, 4)]);
  // A removed container's address is the next one given (libnetwork's bitmask takes the first free bit).
  ok(d.docker(['rm', '-f', 'un-p1']));
  ok(d.docker(['run', '-d', '--name', 'un-p4', '--network', 'un-ipam', 'busybox', 'sleep', '300']));
  assert.equal(ipOf('un-p4'), net(s, 2));
  // Disconnect and connect again: the same address, on eth1 (the sandbox counts interfaces, never down).
  ok(d.docker(['network', 'disconnect', 'un-ipam', 'un-p2']));
  ok(d.docker(['network', 'connect', 'un-ipam', 'un-p2']));
  assert.equal(ipOf('un-p2'), net(s, 3));
  assert.match(ok(d.docker(['exec', 'un-p2', 'ip', '-o', '-4', 'addr'])), new RegExp(`eth1\\s+inet ${net(s, 3).replace(/\./g, '\\.')}/24`));
  ok(d.docker(['network', 'disconnect', 'un-ipam', 'un-p2']));
  ok(d.docker(['network', 'connect', 'un-ipam', 'un-p2']));
  assert.match(ok(d.docker(['exec', 'un-p2', 'ip', '-o', '-4', 'addr'])), /eth2\s+inet /);
  ok(d.docker(['exec', 'un-p2', 'ping', '-c1', '-W2', net(s, 4)]));
  // A stop releases the address too: the next start takes the lowest free one.
  ok(d.docker(['stop', '-t', '0', 'un-p4']));
  ok(d.docker(['run', '-d', '--name', 'un-p5', '--network', 'un-ipam', 'busybox', 'sleep', '300']));
  assert.equal(ipOf('un-p5'), net(s, 2));
  ok(d.docker(['start', 'un-p4']));
  assert.equal(ipOf('un-p4'), net(s, 5));
  // A fixed address: its form is checked at create, its subnet at start (the container stays "created").
  assert.equal(d.docker(['create', '--network', 'un-ipam', '--ip', '10.1.2.300', 'busybox']).stderr, 'Error response from daemon: invalid IPv4 address: 10.1.2.300\n');
  ok(d.docker(['create', '--name', 'un-p6', '--network', 'un-ipam', '--ip', '192.0.2.77', 'busybox', 'sleep', '300']));
  assert.equal(d.docker(['start', 'un-p6']).stderr, "Error response from daemon: Invalid address 192.0.2.77: It does not belong to any of this network's subnets\nError: failed to start containers: un-p6\n");
  assert.equal(inspect('un-p6', '{{.State.Status}}'), 'created');
  ok(d.docker(['rm', '-f', 'un-p2', 'un-p3', 'un-p4', 'un-p5', 'un-p6']));
  ok(d.docker(['network', 'rm', 'un-ipam']));

  // --ip-range without --gateway: libnetwork asks the range for the gateway, so it takes the range's first
  // address and containers follow it; the bridge carries it with its broadcast address.
  const r = freeSubnet();
  const id = ok(d.docker(['network', 'create', '--subnet', r, '--ip-range', r.replace(/0\/24$/, '64/26'), 'un-range'])).trim();
  assert.match(spawnSync('ip', ['-4', '-o', 'addr', 'show', 'dev', `br-${id.slice(0, 12)}`]).stdout.toString(), new RegExp(`inet ${net(r, 64).replace(/\./g, '\\.')}/24 brd ${net(r, 255).replace(/\./g, '\\.')} `));
  ok(d.docker(['run', '-d', '--name', 'un-r1', '--network', 'un-range', 'busybox', 'sleep', '300']));
  assert.equal(inspect('un-r1', '{{(index .NetworkSettings.Networks "un-range").IPAddress}}|{{(index .NetworkSettings.Networks "un-range").Gateway}}'), `${net(r, 65)}|${net(r, 64)}`);
  ok(d.docker(['exec', 'un-r1', 'ping', '-c1', '-W2', net(r, 64)]));
  ok(d.docker(['rm', '-f', 'un-r1']));
  ok(d.docker(['network', 'rm', 'un-range']));
});

test('network ls --filter dangling like dockerd 20.10: every user-defined network counts as dangling, used or not', { skip: skipUnlessRoot }, () => {
  ok(d.docker(['network', 'create', '--label', 'dg=1', 'un-dg-used']));
  ok(d.docker(['network', 'create', '--label', 'dg=1', 'un-dg-free']));
  ok(d.docker(['run', '-d', '--name', 'un-dg', '--network', 'un-dg-used', 'busybox', 'sleep', '300']));
  // dockerd filters its list entries, whose Containers it never fills in.
  assert.equal(ok(d.docker(['network', 'ls', '--filter', 'dangling=true', '--filter', 'label=dg=1', '--format', '{{.Name}}'])), 'un-dg-free\nun-dg-used\n');
  assert.equal(ok(d.docker(['network', 'ls', '--filter', 'dangling=false', '--format', '{{.Name}}'])), 'bridge\nhost\nnone\n');
  // prune is what looks at endpoints.
  assert.equal(ok(d.docker(['network', 'prune', '-f', '--filter', 'label=dg=1'])), 'Deleted Networks:\nun-dg-free\n\n');
  ok(d.docker(['rm', '-f', 'un-dg']));
  ok(d.docker(['network', 'rm', 'un-dg-used']));
});

test('the bridge keeps a MAC of its own as containers join, so a gateway address cached inside stays valid', { skip: skipUnlessRoot }, () => {
  const s = freeSubnet();
  const id = ok(d.docker(['network', 'create', '--subnet', s, 'un-mac'])).trim();
  const br = `br-${id.slice(0, 12)}`;
  const sys = (f: string) => readFileSync(`/sys/class/net/${br}/${f}`, 'utf8').trim();
  // 3 = NET_ADDR_SET: left to the kernel (1), the bridge takes the lowest MAC among its ports, and a
  // container joining with a lower veth MAC moves the gateway's address (dockerd sets one for the same reason).
  assert.equal(sys('addr_assign_type'), '3');
  const mac = sys('address');
  ok(d.docker(['run', '-d', '--name', 'un-mac0', '--network', 'un-mac', 'busybox', 'sleep', '300']));
  ok(d.docker(['exec', 'un-mac0', 'ping', '-c1', '-W2', net(s, 1)]));
  for (let i = 1; i <= 4; i++) ok(d.docker(['run', '-d', '--name', `un-mac${i}`, '--network', 'un-mac', 'busybox', 'sleep', '300']));
  assert.equal(sys('address'), mac);
  ok(d.docker(['exec', 'un-mac0', 'ping', '-c1', '-W2', net(s, 1)]));
  ok(d.docker(['rm', '-f', 'un-mac0', 'un-mac1', 'un-mac2', 'un-mac3', 'un-mac4']));
  ok(d.docker(['network', 'rm', 'un-mac']));
});

/** POST with a JSON body straight to the daemon (bodies the docker CLI never sends). */
function apiPost(path: string, body: object): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: d.socket, path: `/v1.41${path}`, method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (b) => { text += b; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : {} }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

test('--ipv6 networks: the bridge, each container and inspect carry IPv6 addresses; containers reach each other over IPv6', { skip: skipUnlessRoot }, () => {
  const hex = () => Math.floor(Math.random() * 0xffff).toString(16);
  const subnet = `fd${Math.floor(Math.random() * 255).toString(16).padStart(2, '0')}:${hex()}:${hex()}::/64`;
  const prefix = subnet.replace('::/64', '::');
  ok(d.docker(['network', 'create', '--ipv6', '--subnet', subnet, 'un-v6']));
  const n = netJson('un-v6');
  assert.equal(n.EnableIPv6, true);
  assert.deepEqual(n.IPAM.Config.map((c: { Subnet: string }) => c.Subnet.includes(':')), [false, true]);
  const br = `br-${n.Id.slice(0, 12)}`;
  assert.match(spawnSync('ip', ['-6', '-o', 'addr', 'show', 'dev', br]).stdout.toString(), new RegExp(`inet6 ${prefix}1/64`));
  ok(d.docker(['run', '-d', '--name', 'un-v6a', '--network', 'un-v6', 'busybox', 'sleep', '300']));
  ok(d.wharf(['run', '-d', '--name', 'un-v6b', '--network', 'un-v6', '--ip6', `${prefix}beef`, 'busybox', 'sleep', '300']));
  const a = JSON.parse(ok(d.docker(['inspect', '-f', '{{json (index .NetworkSettings.Networks "un-v6")}}', 'un-v6a'])));
  assert.equal(a.GlobalIPv6Address, `${prefix}2`);
  assert.equal(a.GlobalIPv6PrefixLen, 64);
  assert.equal(a.IPv6Gateway, `${prefix}1`);
  assert.match(ok(d.docker(['exec', 'un-v6a', 'ip', '-6', 'addr', 'show', 'eth0'])), new RegExp(`inet6 ${prefix}2/64 scope global`));
  ok(d.docker(['exec', 'un-v6a', 'ping', '-c1', '-W3', `${prefix}beef`]));
  ok(d.docker(['exec', 'un-v6b', 'ping', '-c1', '-W3', `${prefix}1`]));
  const members = netJson('un-v6').Containers as Record<string, { Name: string; IPv6Address: string }>;
  assert.deepEqual(Object.values(members).map((m) => `${m.Name} ${m.IPv6Address}`).sort(), [`un-v6a ${prefix}2/64`, `un-v6b ${prefix}beef/64`]);
  ok(d.docker(['rm', '-f', 'un-v6a', 'un-v6b']));
  ok(d.docker(['network', 'rm', 'un-v6']));
});

test('CheckDuplicate=false (docker-py\'s default): a second network of the same name, with dockerd\'s warning; the name is then ambiguous', { skip: skipUnlessRoot }, async () => {
  const first = await apiPost('/networks/create', { Name: 'un-twin' });
  assert.equal(first.status, 201);
  assert.deepEqual(first.json, { Id: first.json.Id, Warning: '' });
  const refused = await apiPost('/networks/create', { Name: 'un-twin', CheckDuplicate: true });
  assert.equal(refused.status, 409);
  const second = await apiPost('/networks/create', { Name: 'un-twin', CheckDuplicate: false });
  assert.equal(second.status, 201);
  assert.equal(second.json.Warning, `Network with name un-twin (id : ${first.json.Id}) already exists`);
  assert.match(d.docker(['network', 'rm', 'un-twin']).stderr, /^Error response from daemon: network un-twin is ambiguous \(2 matches found based on name\)\n/);
  ok(d.docker(['network', 'rm', String(first.json.Id), String(second.json.Id)]));
});

test('a network that does not exist: create succeeds, start is refused like dockerd (no pull by the docker client); it joins once the network exists', { skip: skipUnlessRoot }, () => {
  ok(d.wharf(['create', '--name', 'nonet', '--network', 'later-net', 'busybox', 'true']));
  let r = d.wharf(['start', 'nonet']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Error response from daemon: network later-net not found\nError: failed to start containers: nonet\n');
  assert.equal(ok(d.wharf(['ps', '-a', '--filter', 'name=nonet', '--format', '{{.Status}}'])), 'Created\n');
  // The docker client gets the 404 at start, not at create, so it does not go looking for the image.
  r = d.docker(['run', '--rm', '--network', 'no-such-net', 'busybox', 'true']);
  assert.equal(r.code, 125);
  assert.doesNotMatch(r.stderr, /Unable to find image/);
  assert.match(r.stderr, /Error response from daemon: network no-such-net not found/);
  ok(d.wharf(['network', 'create', 'later-net']));
  ok(d.wharf(['start', '-a', 'nonet']));
  assert.equal(ok(d.wharf(['inspect', '-f', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}', 'nonet'])), 'later-net\n');
  ok(d.wharf(['rm', 'nonet']));
  ok(d.wharf(['network', 'rm', 'later-net']));
});

test('the wharf CLI: network create/ls/inspect/connect/disconnect/prune like docker', { skip: skipUnlessRoot }, () => {
  const s = freeSubnet();
  const id = ok(d.wharf(['network', 'create', '--subnet', s, '--gateway', net(s, 254), '--ip-range', s.replace(/0\/24$/, '128/25'), '--label', 'k=v', 'un-cli'])).trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  assert.equal(ok(d.wharf(['network', 'inspect', '-f', '{{json .IPAM.Config}}', 'un-cli'])), `[{"Subnet":"${s}","IPRange":"${s.replace(/0\/24$/, '128/25')}","Gateway":"${net(s, 254)}"}]\n`);
  const table = ok(d.wharf(['network', 'ls', '--filter', 'name=un-cli']));
  assert.equal(table, `NETWORK ID     NAME      DRIVER    SCOPE\n${id.slice(0, 12)}   un-cli    bridge    local\n`);
  assert.equal(ok(d.wharf(['network', 'ls', '-q', '--no-trunc', '--filter', 'label=k=v'])), `${id}\n`);
  assert.equal(ok(d.wharf(['network', 'ls', '--filter', 'type=custom', '--format', '{{.Name}} {{.Label "k"}} {{.Internal}}'])), 'un-cli v false\n');
  ok(d.wharf(['run', '-d', '--name', 'un-cli-c', '--network', 'un-cli', '--network-alias', 'x1', 'busybox', 'sleep', '300']));
  // Addresses come from the --ip-range; the gateway is the one given.
  const ip = inspect('un-cli-c', '{{(index .NetworkSettings.Networks "un-cli").IPAddress}}');
  assert.ok(Number(ip.split('.')[3]) >= 128, ip);
  assert.match(ok(d.wharf(['exec', 'un-cli-c', 'ip', 'route'])), new RegExp(`default via ${net(s, 254).replace(/\./g, '\\.')}`));
  ok(d.wharf(['network', 'disconnect', 'un-cli', 'un-cli-c']));
  ok(d.wharf(['network', 'connect', '--alias', 'x2', 'un-cli', 'un-cli-c']));
  assert.equal(inspect('un-cli-c', '{{index (index .NetworkSettings.Networks "un-cli").Aliases 0}}'), 'x2');
  const busy = d.wharf(['network', 'rm', 'un-cli', 'nope-net']);
  assert.equal(busy.code, 1);
  assert.equal(busy.stderr, `Error response from daemon: error while removing network: network un-cli id ${id} has active endpoints\nError: No such network: nope-net\n`);
  ok(d.wharf(['rm', '-f', 'un-cli-c']));
  assert.equal(ok(d.wharf(['network', 'prune', '-f', '--filter', 'label=k=v'])), 'Deleted Networks:\nun-cli\n\n');
  assert.equal(d.wharf(['network', 'inspect', 'un-cli']).stderr, 'Error: No such network: un-cli\n');
});

test('a daemon restart keeps networks, bridges, addresses, ports and rules; rm leaves nothing behind; chains of others untouched', { skip: skipUnlessRoot }, async () => {
  // Someone else's chains and rules (as dockerd's or a firewall's would be), in the tables wharf writes to.
  const foreign = `WFOREIGN-${process.pid}`;
  const foreignRules = [['-t', 'filter', '-A', foreign, '-s', '192.0.2.99/32', '-j', 'RETURN'], ['-t', 'nat', '-A', foreign, '-s', '192.0.2.99/32', '-j', 'RETURN'],
    ['-t', 'filter', '-A', 'FORWARD', '-s', '192.0.2.98/32', '-j', foreign], ['-t', 'nat', '-A', 'POSTROUTING', '-s', '192.0.2.98/32', '-j', foreign]];
  for (const t of ['filter', 'nat']) spawnSync('iptables', ['-w', '-t', t, '-N', foreign]);
  for (const r of foreignRules) assert.equal(spawnSync('iptables', ['-w', ...r]).status, 0);
  const theirs = () => iptablesDump().split('\n').filter((l) => l.includes(foreign) || l.includes('192.0.2.9')).sort();
  const theirsBefore = theirs();
  assert.equal(theirsBefore.length, 6, theirsBefore.join('\n'));
  const s = freeSubnet();
  const id = ok(d.docker(['network', 'create', '--subnet', s, 'un-keep'])).trim();
  const br = `br-${id.slice(0, 12)}`;
  ok(d.docker(['run', '-d', '--name', 'un-k1', '--network', 'un-keep', '-p', '127.0.0.1::8080', 'busybox', 'sh', '-c', 'while true; do echo kept | nc -l -p 8080; done']));
  ok(d.docker(['run', '-d', '--name', 'un-k2', '--network', 'un-keep', 'busybox', 'sleep', '300']));
  const hostPort = Number(inspect('un-k1', '{{(index (index .NetworkSettings.Ports "8080/tcp") 0).HostPort}}'));
  assert.equal((await fetchTcp('127.0.0.1', hostPort)).trim(), 'kept');
  const ip1 = inspect('un-k1', '{{(index .NetworkSettings.Networks "un-keep").IPAddress}}');
  const veth = spawnSync('ip', ['-o', 'link', 'show', 'master', br]).stdout.toString().match(/veth[0-9a-f]+/g) ?? [];
  assert.equal(veth.length, 2);
  const rulesBefore = iptablesDump().split('\n').filter((l) => l.includes(br)).sort();
  await d.stop();
  await d.start();
  assert.equal(netJson('un-keep').Id, id);
  assert.equal(inspect('un-k1', '{{(index .NetworkSettings.Networks "un-keep").IPAddress}}'), ip1);
  assert.ok(ping('un-k2', ip1), 'still reachable after the restart');
  assert.deepEqual(iptablesDump().split('\n').filter((l) => l.includes(br)).sort(), rulesBefore, 'same rules, none doubled');
  // The published port still answers, and the restarted daemon holds it again.
  assert.equal(ok(d.docker(['port', 'un-k1', '8080'])), `127.0.0.1:${hostPort}\n`);
  assert.equal((await fetchTcp('127.0.0.1', hostPort)).trim(), 'kept');
  assert.match(spawnSync('ss', ['-Hltn', 'src', `127.0.0.1:${hostPort}`]).stdout.toString(), /LISTEN/);
  // A new container after the restart does not get a taken address.
  ok(d.docker(['run', '-d', '--name', 'un-k3', '--network', 'un-keep', 'busybox', 'sleep', '300']));
  const ip3 = inspect('un-k3', '{{(index .NetworkSettings.Networks "un-keep").IPAddress}}');
  assert.notEqual(ip3, ip1);

  ok(d.docker(['rm', '-f', 'un-k1', 'un-k2', 'un-k3']));
  for (const v of veth) assert.ok(!existsSync(`/sys/class/net/${v}`), `${v} gone`);
  assert.equal(spawnSync('ss', ['-Hltn', 'src', `127.0.0.1:${hostPort}`]).stdout.toString(), '', 'the host port is let go');
  assert.doesNotMatch(spawnSync('iptables-save', ['-t', 'nat']).stdout.toString(), new RegExp(`--dport ${hostPort} `));
  ok(d.docker(['network', 'rm', 'un-keep']));
  assert.ok(!existsSync(`/sys/class/net/${br}`));
  assert.equal(iptablesDump().split('\n').filter((l) => l.includes(br) || l.includes(s)).length, 0);
  assert.deepEqual(theirs(), theirsBefore, 'chains wharf does not own are never flushed or rewritten');
  for (const r of foreignRules.slice(2)) spawnSync('iptables', ['-w', ...r.map((x) => (x === '-A' ? '-D' : x))]);
  for (const t of ['filter', 'nat']) { spawnSync('iptables', ['-w', '-t', t, '-F', foreign]); spawnSync('iptables', ['-w', '-t', t, '-X', foreign]); }
});

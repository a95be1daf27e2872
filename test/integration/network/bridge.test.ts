// The default bridge network: a namespace per container on the daemon's own bridge, addresses from the
// daemon's subnet with Docker's MACs, reaching each other and the outside through masquerade, inspect's
// NetworkSettings like Docker 20.10, host/none/container: modes, addresses kept across a daemon restart,
// and nothing left behind (veth, namespace) once a container is gone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { spawnSync } from 'node:child_process';
import { TestDaemon, ok, skipUnlessRoot } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-net-bridge');

before(async () => {
  if (skipUnlessRoot) return;
  await d.start();
  d.importBusybox('busybox:latest');
});
after(async () => { if (!skipUnlessRoot) await d.cleanup(); });

const inspect = (name: string, fmt: string) => ok(d.wharf(['inspect', '-f', fmt, name])).trim();
const sh = (cmd: string) => spawnSync('sh', ['-c', cmd]).stdout.toString();
const prefix = () => d.bip.replace(/\.1\/24$/, '.');

test('containers on the default bridge get their own address and reach each other and the host', { skip: skipUnlessRoot }, () => {
  ok(d.wharf(['run', '-d', '--name', 'br-one', 'busybox', 'sleep', '300']));
  ok(d.wharf(['run', '-d', '--name', 'br-two', '--hostname', 'two', 'busybox', 'sleep', '300']));
  const [ip1, ip2] = ['br-one', 'br-two'].map((n) => inspect(n, '{{.NetworkSettings.IPAddress}}'));
  assert.ok(ip1!.startsWith(prefix()) && ip2!.startsWith(prefix()), `${ip1} ${ip2} in ${d.bip}`);
  assert.notEqual(ip1, ip2);
  const gw = d.bip.replace(/\/24$/, '');
  // Docker 20.10's shape: top-level fields mirror Networks.bridge; MAC is 02:42 then the address bytes.
  const view = JSON.parse(inspect('br-one', '{{json .NetworkSettings}}'));
  const mac = `02:42:${ip1!.split('.').map((b) => Number(b).toString(16).padStart(2, '0')).join(':')}`;
  assert.equal(view.Gateway, gw);
  assert.equal(view.IPPrefixLen, 24);
  assert.equal(view.MacAddress, mac);
  assert.match(view.SandboxKey, /^\/run\/netns\/wharf-[0-9a-f]{12}$/);
  assert.equal(view.Networks.bridge.IPAddress, ip1);
  assert.equal(view.Networks.bridge.MacAddress, mac);
  assert.equal(view.Networks.bridge.EndpointID, view.EndpointID);
  assert.equal(view.Networks.bridge.NetworkID, JSON.parse(ok(d.docker(['network', 'inspect', 'bridge'])))[0].Id);
  // Inside: eth0 with that address and MAC, a default route through the bridge.
  const addr = ok(d.wharf(['exec', 'br-one', 'ip', 'addr', 'show', 'eth0']));
  assert.match(addr, new RegExp(`link/ether ${mac}`));
  assert.match(addr, new RegExp(`inet ${ip1!.replace(/\./g, '\\.')}/24 brd ${prefix().replace(/\./g, '\\.')}255`));
  assert.match(ok(d.wharf(['exec', 'br-one', 'ip', 'route'])), new RegExp(`default via ${gw.replace(/\./g, '\\.')} dev eth0`));
  ok(d.wharf(['exec', 'br-two', 'ping', '-c', '1', '-W', '3', ip1!]));
  ok(d.wharf(['exec', 'br-one', 'ping', '-c', '1', '-W', '3', gw]));
  // TCP between containers.
  ok(d.wharf(['exec', '-d', 'br-one', 'sh', '-c', 'echo hello-from-one | nc -l -p 7000']));
  let got = '';
  for (let i = 0; i < 50 && !got.includes('hello'); i++) got = d.wharf(['exec', 'br-two', 'nc', '-w', '2', ip1!, '7000']).stdout;
  assert.equal(got, 'hello-from-one\n');
  // /etc/hosts names the container by its own address.
  assert.match(ok(d.wharf(['exec', 'br-two', 'cat', '/etc/hosts'])), new RegExp(`\n${ip2!.replace(/\./g, '\\.')}\ttwo\n$`));
  // The bridge is this daemon's, with the gateway address; outbound traffic is masqueraded in our own chain.
  assert.match(sh(`ip -4 -o addr show dev ${d.bridge}`), new RegExp(`inet ${d.bip.replace(/\./g, '\\.')}`));
  const rules = sh('iptables-save -t nat');
  assert.ok(rules.includes(`-A WHARF-POST-${d.bridge} -s ${prefix()}0/24 ! -o ${d.bridge} -j MASQUERADE`), rules);
  assert.ok(rules.includes(`-A POSTROUTING -j WHARF-POST-${d.bridge}`));
  assert.ok(sh('iptables-save -t filter').includes(`-A FORWARD -j WHARF-${d.bridge}`));
  ok(d.wharf(['rm', '-f', 'br-one', 'br-two']));
});

test('addresses are never handed out twice, are released on stop and removal, and leave nothing behind', { skip: skipUnlessRoot }, () => {
  const names = ['ip-a', 'ip-b', 'ip-c'];
  for (const n of names) ok(d.wharf(['run', '-d', '--name', n, 'busybox', 'sleep', '300']));
  const ips = names.map((n) => inspect(n, '{{.NetworkSettings.IPAddress}}'));
  assert.equal(new Set(ips).size, 3);
  const veth = sh(`ip -o link show master ${d.bridge}`);
  assert.equal(veth.trim().split('\n').length, 3, veth);
  const key = inspect('ip-b', '{{.NetworkSettings.SandboxKey}}');
  assert.ok(existsSync(key));
  ok(d.wharf(['stop', '-t', '0', 'ip-b']));
  // Stopped: Docker keeps the network with an empty endpoint.
  assert.equal(inspect('ip-b', '{{.NetworkSettings.IPAddress}}|{{.NetworkSettings.Networks.bridge.IPAddress}}|{{.NetworkSettings.SandboxKey}}'), '||');
  assert.notEqual(inspect('ip-b', '{{.NetworkSettings.Networks.bridge.NetworkID}}'), '');
  assert.ok(!existsSync(key), 'namespace removed on stop');
  ok(d.wharf(['start', 'ip-b']));
  const again = inspect('ip-b', '{{.NetworkSettings.IPAddress}}');
  assert.ok(!ips.filter((_, i) => i !== 1).includes(again), `${again} is not another container's`);
  ok(d.wharf(['rm', '-f', ...names]));
  assert.equal(sh(`ip -o link show master ${d.bridge}`).trim(), '');
  assert.equal(sh('ls /run/netns').split('\n').filter((n) => n.startsWith('wharf-') && ips.length && false).length, 0);
  assert.ok(!existsSync(key));
});

test('host, none and container: modes', { skip: skipUnlessRoot }, () => {
  // Other tests' daemons add and remove veths meanwhile, so look for this daemon's own bridge, not a count.
  const inHost = ok(d.wharf(['run', '--rm', '--network', 'host', 'busybox', 'ip', '-o', 'link', 'show']));
  assert.match(inHost, new RegExp(`^\\d+: ${d.bridge}:`, 'm'), 'host mode sees the host\'s links (this daemon\'s bridge)');
  assert.equal(ok(d.wharf(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'ls /sys/class/net'])).trim(), 'lo');
  ok(d.wharf(['run', '-d', '--name', 'nsowner', 'busybox', 'sleep', '300']));
  const ip = inspect('nsowner', '{{.NetworkSettings.IPAddress}}');
  assert.match(ok(d.wharf(['run', '--rm', '--network', 'container:nsowner', 'busybox', 'ip', '-4', 'addr', 'show', 'eth0'])), new RegExp(`inet ${ip.replace(/\./g, '\\.')}/`));
  // dockerd's initializeNetworking: the joiner takes the owner's hostname, domainname and /etc files.
  ok(d.wharf(['run', '-d', '--name', 'nsowner2', '--hostname', 'ownh', '--domainname', 'dom.test', '--dns', '192.0.2.9', '--add-host', 'zz:192.0.2.8', 'busybox', 'sleep', '300']));
  ok(d.wharf(['run', '-d', '--name', 'nsjoin', '--network', 'container:nsowner2', 'busybox', 'sleep', '300']));
  assert.equal(ok(d.wharf(['exec', 'nsjoin', 'sh', '-c', 'hostname; cat /etc/hostname /proc/sys/kernel/domainname /etc/resolv.conf; tail -2 /etc/hosts'])),
    `ownh\nownh\ndom.test\nnameserver 192.0.2.9\n192.0.2.8\tzz\n${inspect('nsowner2', '{{.NetworkSettings.IPAddress}}')}\townh.dom.test ownh\n`);
  const ownerDir = inspect('nsowner2', '{{.HostsPath}}').replace(/\/hosts$/, '');
  assert.equal(inspect('nsjoin', '{{.Config.Hostname}}|{{.Config.Domainname}}|{{.HostsPath}}|{{.ResolvConfPath}}|{{.HostnamePath}}'), `ownh|dom.test|${ownerDir}/hosts|${ownerDir}/resolv.conf|${ownerDir}/hostname`);
  ok(d.wharf(['exec', 'nsjoin', 'sh', '-c', 'echo 192.0.2.7 added >> /etc/hosts']));
  assert.match(ok(d.wharf(['exec', 'nsowner2', 'tail', '-1', '/etc/hosts'])), /^192\.0\.2\.7 added\n$/);
  // What a shared namespace cannot honour is refused before anything is created (dockerd's validateNetMode, 400).
  for (const [flag, what] of [[['--hostname', 'x'], 'hostname and the network mode'], [['-p', '80'], 'port publishing and the container type network mode'],
    [['--dns', '1.1.1.1'], 'dns and the network mode'], [['--add-host', 'a:1.1.1.1'], 'custom host-to-IP mapping and the network mode'],
    [['--expose', '80'], 'port exposing and the container type network mode']] as const) {
    const r = d.docker(['create', '--name', 'nsbad', '--network', 'container:nsowner2', ...flag, 'nosuchimage']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `Error response from daemon: conflicting options: ${what}\n`);
  }
  assert.equal(d.docker(['create', '--uts', 'host', '--hostname', 'x', 'busybox']).stderr, 'Error response from daemon: conflicting options: hostname and the UTS mode\n');
  assert.equal(d.docker(['create', '--network', 'container:', 'busybox']).stderr, 'Error response from daemon: Invalid network mode: invalid container format container:<name|id>\n');
  // (the docker client of this machine is newer and refuses --mac-address against API 1.41 itself)
  for (const mode of ['host', 'container:nsowner2']) {
    assert.equal(d.wharf(['create', '--network', mode, '--mac-address', '02:42:00:00:00:01', 'busybox']).stderr, 'Error response from daemon: conflicting options: mac-address and the network mode\n');
  }
  // Host networking: the host's name unless --hostname; published ports are dropped with dockerd's warning.
  const hostMode = d.docker(['create', '--name', 'nshost', '--network', 'host', '-p', '80:80', 'busybox', 'hostname']);
  assert.equal(hostMode.stderr, 'WARNING: Published ports are discarded when using host network mode\n');
  assert.equal(inspect('nshost', '{{.Config.Hostname}}'), hostname());
  assert.equal(ok(d.wharf(['start', '-a', 'nshost'])), `${hostname()}\n`);
  // connect: a container sharing a namespace (another container's or the host's) joins nothing else.
  const shared = 'Error response from daemon: container sharing network namespace with another container or host cannot be connected to any other network\n';
  assert.equal(d.docker(['network', 'connect', 'bridge', 'nsjoin']).stderr, shared);
  assert.equal(d.docker(['network', 'connect', 'bridge', 'nshost']).stderr, shared);
  ok(d.docker(['network', 'connect', 'host', 'nshost'])); // stopped, already on host: nothing to do (dockerd)
  assert.equal(d.docker(['network', 'connect', 'host', 'nsjoin']).stderr, shared);
  // host and none: an endpoint without an interface, as dockerd shows them (inspect and network inspect).
  for (const [name, mode] of [['nshostrun', 'host'], ['nsnonerun', 'none']] as const) {
    const id = ok(d.docker(['run', '-d', '--name', name, '--network', mode, 'busybox', 'sleep', '300'])).trim();
    const e = JSON.parse(inspect(name, `{{json .NetworkSettings.Networks.${mode}}}`));
    const n = JSON.parse(ok(d.docker(['network', 'inspect', mode])))[0];
    assert.equal(e.NetworkID, n.Id);
    assert.match(e.EndpointID, /^[0-9a-f]{64}$/);
    assert.deepEqual(n.Containers[id], { Name: name, EndpointID: e.EndpointID, MacAddress: '', IPv4Address: '', IPv6Address: '' });
    assert.match(inspect(name, '{{.NetworkSettings.SandboxID}}'), /^[0-9a-f]{64}$/);
    ok(d.docker(['stop', '-t', '0', name]));
    assert.equal(inspect(name, `{{.NetworkSettings.Networks.${mode}.NetworkID}}|{{.NetworkSettings.Networks.${mode}.EndpointID}}`), `${n.Id}|`);
    assert.equal(JSON.parse(ok(d.docker(['network', 'inspect', mode])))[0].Containers[id], undefined);
  }
  ok(d.wharf(['rm', '-f', 'nsjoin', 'nsowner2', 'nshost', 'nshostrun', 'nsnonerun']));
  const r = d.wharf(['run', '-d', '--name', 'ns-none', '--network', 'nosuchnet', 'busybox', 'true']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /network nosuchnet not found/);
  ok(d.wharf(['rm', '-f', 'nsowner']));
});

test('a daemon restart keeps running containers\' addresses and allocations', { skip: skipUnlessRoot }, async () => {
  ok(d.wharf(['run', '-d', '--name', 'keep1', 'busybox', 'sleep', '300']));
  const ip1 = inspect('keep1', '{{.NetworkSettings.IPAddress}}');
  await d.stop();
  await d.start();
  assert.equal(inspect('keep1', '{{.NetworkSettings.IPAddress}}'), ip1);
  ok(d.wharf(['run', '-d', '--name', 'keep2', 'busybox', 'sleep', '300']));
  const ip2 = inspect('keep2', '{{.NetworkSettings.IPAddress}}');
  assert.notEqual(ip2, ip1);
  ok(d.wharf(['exec', 'keep2', 'ping', '-c', '1', '-W', '3', ip1]));
  ok(d.wharf(['rm', '-f', 'keep1', 'keep2']));
  assert.equal(sh(`ip -o link show master ${d.bridge}`).trim(), '');
});

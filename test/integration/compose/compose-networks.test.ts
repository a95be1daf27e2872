// wharf compose on user-defined networks: declared networks with IPAM, labels, aliases and a fixed address,
// an external network, services reaching each other, and down leaving the external network alone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestDaemon, ok, skipUnlessRoot } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-compose-net');
const dir = mkdtempSync(join(tmpdir(), 'wharf-compose-net-'));
const file = join(dir, 'compose.yaml');
const compose = (args: string[]) => d.wharf(['compose', '-f', file, '-p', 'np', ...args]);
const inspect = (name: string, fmt: string) => ok(d.wharf(['inspect', '-f', fmt, name])).trim();

/** A /24 nothing on the host routes (10.251-254.x, away from the test daemons' default bridges). */
function freeSubnet(avoid: string[] = []): string {
  const routes = readFileSync('/proc/net/route', 'utf8');
  for (;;) {
    const a = 251 + Math.floor(Math.random() * 4);
    const b = Math.floor(Math.random() * 256);
    const hex = [0, b, a, 10].map((x) => x.toString(16).padStart(2, '0')).join('').toUpperCase();
    const s = `10.${a}.${b}.0/24`;
    if (!routes.includes(hex) && !avoid.includes(s)) return s;
  }
}
const front = freeSubnet();
const outside = freeSubnet([front]);
const fixedIp = front.replace(/0\/24$/, '10');

writeFileSync(file, `services:
  web:
    image: bb
    command: sh -c 'mkdir -p /www && echo served by web > /www/index.html && exec httpd -f -p 8080 -h /www'
    networks:
      front:
        aliases: [www]
        ipv4_address: ${fixedIp}
      back: {}
  client:
    image: bb
    command: sleep 300
    networks: [front, ext]
networks:
  front:
    ipam:
      config: [{subnet: "${front}"}]
    labels: [team=a]
  back: {}
  ext:
    external: true
    name: np-outside
`);

before(async () => {
  if (skipUnlessRoot) return;
  await d.start();
  d.importBusybox('bb:latest');
});
after(async () => { if (!skipUnlessRoot) await d.cleanup(); });

test('an external network must exist before up', { skip: skipUnlessRoot }, () => {
  const r = compose(['up', '-d']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /network np-outside declared as external, but could not be found\n$/);
  ok(d.docker(['network', 'create', '--subnet', outside, 'np-outside']));
});

test('declared networks: labels, IPAM, fixed address, aliases; services reach each other on them', { skip: skipUnlessRoot }, () => {
  const up = compose(['up', '-d']);
  assert.equal(up.code, 0, up.stderr);
  const labels = JSON.parse(ok(d.docker(['network', 'inspect', '-f', '{{json .Labels}}', 'np_front']))) as Record<string, string>;
  assert.equal(labels.team, 'a');
  assert.equal(labels['com.docker.compose.network'], 'front');
  assert.equal(labels['com.docker.compose.project'], 'np');
  assert.equal(ok(d.docker(['network', 'inspect', '-f', '{{(index .IPAM.Config 0).Subnet}}', 'np_front'])).trim(), front);
  assert.equal(inspect('np-web-1', '{{.NetworkSettings.Networks.np_front.IPAddress}}'), fixedIp);
  const aliases = JSON.parse(inspect('np-web-1', '{{json .NetworkSettings.Networks.np_front.Aliases}}')) as string[];
  for (const a of ['np-web-1', 'web', 'www']) assert.ok(aliases.includes(a), `${a} in ${aliases.join(',')}`);
  assert.equal(inspect('np-web-1', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}'), 'np_back np_front');
  assert.equal(inspect('np-client-1', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}'), 'np-outside np_front');
  assert.match(inspect('np-client-1', '{{(index .NetworkSettings.Networks "np-outside").IPAddress}}'), new RegExp(`^${outside.replace(/0\/24$/, '').replace(/\./g, '\\.')}`));
  let out = '';
  for (let i = 0; i < 30 && out !== 'served by web\n'; i++) out = compose(['exec', '-T', 'client', 'wget', '-qO-', `http://${fixedIp}:8080/`]).stdout;
  assert.equal(out, 'served by web\n');
  // By name through the embedded DNS: the service name, the declared alias and the container name.
  for (const host of ['web', 'www', 'np-web-1']) {
    assert.equal(ok(compose(['exec', '-T', 'client', 'wget', '-qO-', `http://${host}:8080/`])), 'served by web\n', host);
  }
  assert.match(ok(compose(['exec', '-T', 'client', 'nslookup', 'www'])), new RegExp(`Address: ${fixedIp.replace(/\./g, '\\.')}`));
  // A container only on web's other network (back) is not client's to resolve.
  ok(d.wharf(['run', '-d', '--network', 'np_back', '--name', 'np-back-only', 'bb', 'sleep', '300']));
  assert.notEqual(compose(['exec', '-T', 'client', 'nslookup', 'np-back-only']).code, 0);
  ok(d.wharf(['rm', '-f', 'np-back-only']));
});

test('down removes the project networks, not the external one', { skip: skipUnlessRoot }, () => {
  const down = compose(['down', '-t', '0']);
  assert.equal(down.code, 0, down.stderr);
  assert.match(down.stderr, / Network np_front {2}Removed\n/);
  assert.match(down.stderr, / Network np_back {2}Removed\n/);
  assert.doesNotMatch(down.stderr, /np-outside/);
  const names = ok(d.docker(['network', 'ls', '--format', '{{.Name}}'])).split('\n');
  assert.ok(names.includes('np-outside'));
  assert.ok(!names.includes('np_front') && !names.includes('np_back'));
  ok(d.docker(['network', 'rm', 'np-outside']));
});

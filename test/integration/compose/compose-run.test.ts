// wharf compose run/create/top/port/images/cp against a real wharfd, on the project's default network.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestDaemon, ok, skipUnlessRoot } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-compose-run');
const dir = mkdtempSync(join(tmpdir(), 'wharf-compose-run-'));
const file = join(dir, 'compose.yaml');
const compose = (args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}) => d.wharf(['compose', '-f', file, '-p', 'rp', ...args], opts);
const inspect = (name: string, fmt: string) => ok(d.wharf(['inspect', '-f', fmt, name])).trim();

chmodSync(dir, 0o755);
writeFileSync(join(dir, 'hello.txt'), 'from the host\n');
writeFileSync(file, `services:
  web:
    image: bb
    command: sh -c 'mkdir -p /www && echo served by web > /www/index.html && exec httpd -f -p 8080 -h /www'
    ports: ["127.0.0.1::8080"]
  app:
    image: bb
    command: echo app default
    environment: [FROM_FILE=yes]
    depends_on: [web]
`);

function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

before(async () => {
  if (skipUnlessRoot) return;
  await d.start();
  d.importBusybox('bb:latest');
});
after(async () => { if (!skipUnlessRoot) await d.cleanup(); });

test('run: dependencies started first, exit status passed through, --rm leaves nothing', { skip: skipUnlessRoot }, () => {
  const r = compose(['run', '--rm', 'app', 'sh', '-c', 'echo one-off $FROM_FILE; exit 3']);
  assert.equal(r.code, 3, r.stderr);
  assert.equal(r.stdout, 'one-off yes\n');
  assert.equal(r.stderr, [
    ' Network rp_default  Creating', ' Network rp_default  Created', ' Container rp-web-1  Creating', ' Container rp-web-1  Created',
    ' Container rp-web-1  Starting', ' Container rp-web-1  Started', '',
  ].join('\n'));
  assert.equal(ok(d.wharf(['ps', '-aq', '--filter', 'label=com.docker.compose.oneoff=True'])), '');
  // The default network carries compose's labels.
  const labels = JSON.parse(ok(d.docker(['network', 'inspect', '-f', '{{json .Labels}}', 'rp_default']))) as Record<string, string>;
  assert.equal(labels['com.docker.compose.network'], 'default');
  assert.equal(labels['com.docker.compose.project'], 'rp');
  // Again: web is up to date, so only its state is reported.
  const again = compose(['run', '--rm', 'app', 'true']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stderr, ' Container rp-web-1  Running\n');
});

test('run -d: prints the ID; one-off name, labels, only its own name as alias; reaches web by IP and by name', { skip: skipUnlessRoot }, () => {
  const r = compose(['run', '-d', '-l', 'extra=1', 'app', 'sleep', '300']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^[0-9a-f]{64}\n$/);
  const id = r.stdout.trim();
  const name = inspect(id, '{{.Name}}');
  assert.match(name, /^\/rp-app-run-[0-9a-f]{12}$/);
  const labels = JSON.parse(inspect(id, '{{json .Config.Labels}}')) as Record<string, string>;
  assert.equal(labels['com.docker.compose.oneoff'], 'True');
  assert.equal(labels['com.docker.compose.service'], 'app');
  assert.equal(labels['com.docker.compose.container-number'], '1');
  assert.equal(labels.extra, '1');
  assert.match(labels['com.docker.compose.slug']!, /^[0-9a-f]{64}$/);
  assert.equal(labels['com.docker.compose.slug']!.slice(0, 12), name.slice(-12));
  assert.equal(inspect(id, '{{json .NetworkSettings.Networks.rp_default.Aliases}}').includes('"app"'), false);
  assert.equal(inspect(id, '{{.HostConfig.RestartPolicy.Name}}'), 'no');
  // ps hides one-offs unless -a.
  assert.doesNotMatch(ok(compose(['ps', '--format', '{{.Name}}'])), /run/);
  assert.match(ok(compose(['ps', '-a', '--format', '{{.Name}}'])), /rp-app-run-/);
  // Same network as web: web answers on its address there.
  const webIp = inspect('rp-web-1', '{{.NetworkSettings.Networks.rp_default.IPAddress}}');
  assert.match(webIp, /^\d+\.\d+\.\d+\.\d+$/);
  let out = '';
  for (let i = 0; i < 30 && out !== 'served by web\n'; i++) out = d.wharf(['exec', id, 'wget', '-qO-', `http://${webIp}:8080/`]).stdout;
  assert.equal(out, 'served by web\n');
  ok(d.wharf(['rm', '-f', id]));
  // The embedded DNS answers the service name, so a one-off finds web by name, and web finds it by its own name.
  const byName = compose(['run', '--rm', 'app', 'wget', '-qO-', 'http://web:8080/']);
  assert.equal(byName.code, 0, byName.stderr);
  assert.equal(byName.stdout, 'served by web\n');
  const other = compose(['run', '-d', '--name', 'rp-probe', 'app', 'sleep', '300']);
  assert.equal(other.code, 0, other.stderr);
  assert.equal(ok(compose(['exec', '-T', 'web', 'sh', '-c', 'nslookup rp-probe >/dev/null && echo found'])), 'found\n');
  ok(d.wharf(['rm', '-f', 'rp-probe']));
});

test('run overrides: -e, -u, -w, --entrypoint, --name, -v, --no-deps; service ports only with --service-ports', { skip: skipUnlessRoot }, () => {
  const r = compose(['run', '--rm', '--no-deps', '-e', 'FOO=bar', '-e', 'FROM_ENV', '-u', '1', '-w', '/tmp', '--name', 'custom-one',
    '-v', `${dir}:/mnt:ro`, '--entrypoint', 'sh -c', 'app', 'echo $FOO $FROM_ENV $FROM_FILE $(id -u) $(pwd) $(hostname -s) && cat /mnt/hello.txt && cat /proc/1/cmdline | tr "\\0" " "'],
  { env: { FROM_ENV: 'env-value' } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const lines = r.stdout.split('\n');
  assert.match(lines[0]!, /^bar env-value yes 1 \/tmp [0-9a-f]{12}$/);
  assert.equal(lines[1], 'from the host');
  assert.match(lines[2]!, /^sh -c echo \$FOO/);
  const svcPorts = compose(['run', '-d', '--no-deps', '--service-ports', 'web']);
  assert.equal(svcPorts.code, 0, svcPorts.stderr);
  assert.equal(inspect(svcPorts.stdout.trim(), '{{json .HostConfig.PortBindings}}'), '{"8080/tcp":[{"HostIp":"127.0.0.1","HostPort":""}]}');
  const plain = compose(['run', '-d', '--no-deps', 'web']);
  assert.equal(inspect(plain.stdout.trim(), '{{json .HostConfig.PortBindings}}'), '{}');
  ok(d.wharf(['rm', '-f', svcPorts.stdout.trim(), plain.stdout.trim()]));
  const bad = compose(['run', 'nope']);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, 'no such service: nope\n');
  const both = compose(['run', '--service-ports', '-p', '1:1', 'web']);
  assert.equal(both.stderr, '--service-ports and --publish are incompatible\n');
});

test('port, top, images, cp on the running project', { skip: skipUnlessRoot }, async () => {
  const port = ok(compose(['port', 'web', '8080']));
  assert.match(port, /^127\.0\.0\.1:\d+\n$/);
  let body = '';
  for (let i = 0; i < 30 && body !== 'served by web\n'; i++) body = await httpGet(Number(port.trim().split(':')[1])).catch(() => '');
  assert.equal(body, 'served by web\n');
  const none = compose(['port', 'web', '9999']);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /^no port 9999\/tcp for container rp-web-1: \d+\/tcp/);
  assert.equal(compose(['port', 'app', '80']).stderr, 'service "app" is not running\n');

  const top = ok(compose(['top', 'web'])).split('\n');
  assert.equal(top[0], 'rp-web-1');
  assert.match(top[1]!, /^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD$/);
  assert.match(top[2]!, /httpd -f -p 8080/);
  assert.equal(top.at(-2), '');

  const images = ok(compose(['images'])).split('\n');
  assert.match(images[0]!, /^CONTAINER {11}REPOSITORY {10}TAG {17}IMAGE ID {12}SIZE$/);
  const imgId = inspect('bb:latest', '{{.Id}}').replace('sha256:', '');
  assert.match(images[1]!, new RegExp(`^rp-web-1 {12}bb {18}latest {14}${imgId.slice(0, 12)} {8}\\S+`));
  assert.equal(ok(compose(['images', '-q'])), `${imgId}\n`);
  const json = JSON.parse(ok(compose(['images', '--format', 'json']))) as Array<Record<string, unknown>>;
  assert.deepEqual(Object.keys(json[0]!), ['ID', 'ContainerName', 'Repository', 'Tag', 'Size']);

  // cp both ways through the service's container.
  const copied = join(dir, 'copied.html');
  const from = compose(['cp', 'web:/www/index.html', copied]);
  assert.equal(from.code, 0, from.stderr);
  assert.equal(from.stderr, ` rp-web-1 copy rp-web-1:/www/index.html to ${copied} Copying\n rp-web-1 copy rp-web-1:/www/index.html to ${copied} Copied\n`);
  assert.equal(readFileSync(copied, 'utf8'), 'served by web\n');
  ok(compose(['cp', join(dir, 'hello.txt'), 'web:/www/hello.txt']));
  assert.equal(ok(compose(['exec', '-T', 'web', 'cat', '/www/hello.txt'])), 'from the host\n');
});

test('create makes containers without starting them; down removes them and the network', { skip: skipUnlessRoot }, () => {
  const r = compose(['create', '--scale', 'app=2', 'app']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, ' Container rp-web-1  Running\n Container rp-app-1  Creating\n Container rp-app-1  Created\n Container rp-app-2  Creating\n Container rp-app-2  Created\n');
  assert.equal(ok(compose(['ps', '-a', '--format', '{{.Name}} {{.State}}', 'app'])), 'rp-app-1 created\nrp-app-2 created\n');
  const down = compose(['down', '-t', '1']);
  assert.equal(down.code, 0, down.stderr);
  assert.match(down.stderr, / Network rp_default {2}Removed\n$/);
  assert.equal(ok(d.wharf(['ps', '-aq'])), '');
  assert.equal(d.docker(['network', 'inspect', 'rp_default']).code, 1);
});

test('run --pull always pulls an image that is present; the default (missing) does not', { skip: skipUnlessRoot }, () => {
  const pfile = join(dir, 'pull.yaml');
  writeFileSync(pfile, 'services:\n  one:\n    image: 127.0.0.1:1/p6/bb:1\n    command: echo ran\n');
  ok(d.wharf(['tag', 'bb', '127.0.0.1:1/p6/bb:1']));
  const pc = (args: string[]) => d.wharf(['compose', '-f', pfile, '-p', 'pp', ...args]);
  assert.equal(ok(pc(['run', '--rm', 'one'])), 'ran\n');
  assert.equal(ok(pc(['run', '--rm', '--pull', 'never', 'one'])), 'ran\n');
  // Nothing listens on 127.0.0.1:1: the pull --pull always insists on fails, and nothing runs.
  const r = pc(['run', '--rm', '--pull', 'always', 'one']);
  assert.notEqual(r.code, 0, r.stdout);
  assert.doesNotMatch(r.stdout, /ran/);
  assert.match(r.stderr, /127\.0\.0\.1:1/);
  assert.notEqual(pc(['up', '-d', '--pull', 'always']).code, 0);
  ok(pc(['down']));
  ok(d.wharf(['rmi', '127.0.0.1:1/p6/bb:1']));
});

// Mounts in containers against a real wharfd: named, anonymous and image volumes with copy-up, binds (-v
// and --mount), tmpfs, --volumes-from, --read-only, inspect's Mounts like dockerd 20.10, rm -v / run --rm,
// and dockerd's errors (each compared with /var/run/docker.sock).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestDaemon, dockerClient, ok, skipUnlessRoot } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-mounts');
const noDocker = skipUnlessRoot || (dockerClient() ? false : 'no docker client installed');
const host = mkdtempSync(join(tmpdir(), 'wharf-mounts-host-'));

before(async () => {
  if (skipUnlessRoot) return;
  await d.start();
  d.importBusybox('busybox:latest');
  // An image with a VOLUME whose content belongs to uid 1000 (copy-up keeps it).
  ok(d.wharf(['run', '--name', 'mk-img', 'busybox', 'sh', '-c', 'mkdir -p /data && echo seed > /data/f && chown -R 1000:1000 /data && chmod 750 /data']));
  await apiPost(`/commit?container=mk-img&repo=volimg&tag=latest&changes=${encodeURIComponent('VOLUME /data')}`);
  ok(d.wharf(['rm', 'mk-img']));
});
after(async () => {
  if (!skipUnlessRoot) await d.cleanup();
  rmSync(host, { recursive: true, force: true });
});

function apiPost(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: d.socket, method: 'POST', path: `/v1.41${path}`, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c; });
      res.on('end', () => (res.statusCode! < 300 ? resolve(body) : reject(new Error(`${res.statusCode} ${body}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

interface Mount { Type: string; Name?: string; Source: string; Destination: string; Driver?: string; Mode: string; RW: boolean; Propagation: string }
const mounts = (name: string): Mount[] => JSON.parse(ok(d.wharf(['inspect', '-f', '{{json .Mounts}}', name]))) as Mount[];

test('named volume: copy-up on first mount, data persists, in use blocks rm, inspect Mounts', { skip: skipUnlessRoot }, async () => {
  const out = ok(d.wharf(['run', '--name', 'mt-named', '-v', 'mt-vol:/data', 'volimg', 'sh', '-c', 'cat /data/f; stat -c "%u:%g %a" /data; echo more > /data/g']));
  assert.equal(out, 'seed\n1000:1000 750\n');
  const data = join(d.dataRoot, 'volumes', 'mt-vol', '_data');
  assert.equal(readFileSync(join(data, 'g'), 'utf8'), 'more\n');
  assert.equal(statSync(join(data, 'f')).uid, 1000);
  assert.deepEqual(mounts('mt-named'), [{ Type: 'volume', Name: 'mt-vol', Source: data, Destination: '/data', Driver: 'local', Mode: 'z', RW: true, Propagation: '' }]);
  assert.equal(ok(d.wharf(['inspect', '-f', '{{json .HostConfig.Binds}}', 'mt-named'])), '["mt-vol:/data"]\n');
  const id = ok(d.wharf(['inspect', '-f', '{{.Id}}', 'mt-named'])).trim();
  const r = d.wharf(['volume', 'rm', 'mt-vol']);
  assert.deepEqual([r.code, r.stderr], [1, `Error response from daemon: remove mt-vol: volume is in use - [${id}]\n`]);
  assert.equal(ok(d.wharf(['volume', 'ls', '-q', '-f', 'dangling=false'])).includes('mt-vol\n'), true);
  // A second container sees the data; a non-empty volume is not copied over again; :ro is read-only.
  const r2 = d.wharf(['run', '--rm', '-v', 'mt-vol:/data:ro', 'volimg', 'sh', '-c', 'cat /data/g; echo x > /data/h']);
  assert.equal(r2.stdout, 'more\n');
  assert.match(r2.stderr, /Read-only file system/);
  ok(d.wharf(['rm', '-v', 'mt-named']));
  assert.ok(existsSync(data), 'rm -v keeps named volumes');
  ok(d.wharf(['volume', 'rm', 'mt-vol']));
});

test('anonymous volumes (VOLUME and -v /path) are removed by rm -v and run --rm only', { skip: skipUnlessRoot }, async () => {
  ok(d.wharf(['create', '--name', 'mt-anon', '-v', '/extra', 'volimg', 'true']));
  const ms = mounts('mt-anon');
  assert.deepEqual(ms.map((m) => [m.Type, m.Destination, m.Mode, m.RW]).sort(), [['volume', '/data', '', true], ['volume', '/extra', '', true]]);
  const names = ms.map((m) => m.Name!);
  for (const n of names) assert.match(n, /^[0-9a-f]{64}$/);
  ok(d.wharf(['rm', 'mt-anon']));
  for (const n of names) assert.ok(existsSync(join(d.dataRoot, 'volumes', n)), 'rm without -v keeps anonymous volumes');
  ok(d.wharf(['volume', 'rm', ...names]));

  ok(d.wharf(['create', '--name', 'mt-anon2', 'volimg', 'true']));
  const [m2] = mounts('mt-anon2');
  ok(d.wharf(['rm', '-v', 'mt-anon2']));
  assert.ok(!existsSync(join(d.dataRoot, 'volumes', m2!.Name!)));

  const before = ok(d.wharf(['volume', 'ls', '-q']));
  assert.equal(ok(d.wharf(['run', '--rm', 'volimg', 'cat', '/data/f'])), 'seed\n');
  assert.equal(ok(d.wharf(['volume', 'ls', '-q'])), before, 'run --rm removes its anonymous volume');
});

test('binds, --mount, --tmpfs, --volumes-from and --read-only', { skip: skipUnlessRoot }, async () => {
  writeFileSync(join(host, 'hf'), 'from host\n');
  const made = join(host, 'made-by-v');
  const out = ok(d.wharf(['run', '--name', 'mt-bind', '--read-only',
    '-v', `${host}:/hb:ro`, '-v', `${made}:/made`,
    '--mount', `type=bind,src=${host},dst=/mb`,
    '--mount', 'type=volume,src=mt-vol2,dst=/mv,volume-nocopy',
    '--mount', 'type=tmpfs,dst=/mt,tmpfs-size=1m,tmpfs-mode=0700',
    '--tmpfs', '/tt:size=2m',
    'volimg', 'sh', '-c',
    'cat /hb/hf; echo w > /mb/w; echo v > /mv/v; ls /mv; grep -E " /(mt|tt) " /proc/mounts | cut -d" " -f2-4; touch /rootfile 2>&1; touch /hb/x 2>&1; true']));
  const lines = out.split('\n');
  assert.equal(lines[0], 'from host');
  assert.equal(lines[1], 'v');
  assert.match(out, /\/mt tmpfs rw,nosuid,nodev,noexec,relatime,size=1024k,mode=700/);
  assert.match(out, /\/tt tmpfs rw,nosuid,nodev,noexec,relatime,size=2048k/);
  assert.match(out, /touch: \/rootfile: Read-only file system/);
  assert.match(out, /touch: \/hb\/x: Read-only file system/);
  assert.equal(readFileSync(join(host, 'w'), 'utf8'), 'w\n');
  assert.ok(statSync(made).isDirectory(), '-v creates a missing host directory');
  const ms = mounts('mt-bind');
  assert.deepEqual(ms.find((m) => m.Destination === '/hb'), { Type: 'bind', Source: host, Destination: '/hb', Mode: 'ro', RW: false, Propagation: 'rprivate' });
  assert.deepEqual(ms.find((m) => m.Destination === '/mb'), { Type: 'bind', Source: host, Destination: '/mb', Mode: '', RW: true, Propagation: 'rprivate' });
  assert.deepEqual(ms.find((m) => m.Destination === '/mt'), { Type: 'tmpfs', Source: '', Destination: '/mt', Mode: '', RW: true, Propagation: '' });
  assert.equal(ms.find((m) => m.Destination === '/mv')!.Mode, 'z');
  assert.equal(ms.some((m) => m.Destination === '/tt'), false, '--tmpfs is not in Mounts, like dockerd');
  assert.equal(ok(d.wharf(['inspect', '-f', '{{json .HostConfig.Mounts}} {{json .HostConfig.Tmpfs}}', 'mt-bind'])),
    `[{"Type":"bind","Source":"${host}","Target":"/mb"},{"Type":"volume","Source":"mt-vol2","Target":"/mv","VolumeOptions":{"NoCopy":true,"DriverConfig":{}}},{"Type":"tmpfs","Target":"/mt","TmpfsOptions":{"SizeBytes":1048576,"Mode":448}}] {"/tt":"size=2m"}\n`);
  // nocopy: the volume got nothing from the image.
  assert.deepEqual(readFileSync(join(d.dataRoot, 'volumes', 'mt-vol2', '_data', 'v'), 'utf8'), 'v\n');

  const from = ok(d.wharf(['run', '--rm', '--volumes-from', 'mt-bind:ro', 'busybox', 'sh', '-c', 'cat /mv/v /hb/hf; echo x > /mv/y 2>&1 || echo ro']));
  assert.equal(from, 'v\nfrom host\nro\n');
  ok(d.wharf(['rm', 'mt-bind']));
  ok(d.wharf(['volume', 'rm', 'mt-vol2']));
});

test('mount errors read like dockerd', { skip: skipUnlessRoot }, async () => {
  const cases: Array<[string[], string]> = [
    [['--mount', 'type=bind,src=/nonexistent-wharf,dst=/x'], 'docker: Error response from daemon: invalid mount config for type "bind": bind source path does not exist: /nonexistent-wharf.\n'],
    [['-v', 'mt-x:/x:zz'], 'docker: Error response from daemon: invalid mode: zz.\n'],
    [['-v', '/x:relative'], "docker: Error response from daemon: invalid volume specification: '/x:relative': invalid mount config for type \"bind\": invalid mount path: 'relative' mount path must be absolute.\n"],
    [['--mount', 'type=tmpfs,src=a,dst=/x'], 'docker: Error response from daemon: invalid mount config for type "tmpfs": field Source must not be specified.\n'],
    [['-v', '/a:/x', '--mount', 'type=bind,src=/tmp,dst=/x'], 'docker: Error response from daemon: Duplicate mount point: /x.\n'],
  ];
  for (const [args, msg] of cases) {
    const r = d.wharf(['run', '--rm', ...args, 'busybox', 'true']);
    assert.equal(r.code, 125, args.join(' '));
    assert.equal(r.stderr.split('See ')[0]!.replace(/^wharf:/, 'docker:'), msg, args.join(' '));
  }
  const r = d.wharf(['run', '--rm', '--mount', 'type=volume,dst=/x,foo=bar', 'busybox', 'true']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /invalid argument "type=volume,dst=\/x,foo=bar" for "--mount" flag: unexpected key 'foo' in 'foo=bar'/);
});

test('the real docker client runs containers with volumes on wharfd', { skip: noDocker }, async () => {
  const out = ok(d.docker(['run', '--rm', '-v', 'dk-mvol:/data', '--mount', `type=bind,src=${host},dst=/h,readonly`, 'volimg', 'sh', '-c', 'cat /data/f /h/hf']));
  assert.equal(out, 'seed\nfrom host\n');
  assert.equal(readFileSync(join(d.dataRoot, 'volumes', 'dk-mvol', '_data', 'f'), 'utf8'), 'seed\n');
  ok(d.docker(['volume', 'rm', 'dk-mvol']));
});

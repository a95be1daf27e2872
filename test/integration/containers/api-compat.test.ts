// Engine API details SDKs rely on (found by running docker-py 5.0.3's integration suite against wharfd), each
// checked against what dockerd 20.10 does: exec output framing follows the *start* request's Tty, a SIGKILL
// kill returns only once the container is down, Docker's init layer keeps runtime mount points out of `diff`,
// log drivers and their options are validated at create, and --device-cgroup-rule reaches the cgroup.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { request } from 'node:http';
import { TestDaemon, ok, skipUnlessRoot } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-api-compat');

before(async () => {
  if (skipUnlessRoot) return;
  await d.start();
  d.importBusybox('busybox:latest');
});
after(async () => { if (!skipUnlessRoot) await d.cleanup(); });

function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request({ socketPath: d.socket, path: `/v1.41${path}`, method, agent: false, headers: data ? { 'Content-Type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.on('data', (b) => { text += b; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** POST /exec/{id}/start hijacked; resolves with the raw bytes after the reply headers once the daemon closes. */
function execStart(id: string, body: unknown): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = connect(d.socket);
    const chunks: Buffer[] = [];
    const json = JSON.stringify(body);
    sock.on('data', (b) => chunks.push(b));
    sock.on('error', reject);
    sock.on('close', () => {
      const all = Buffer.concat(chunks);
      const at = all.indexOf('\r\n\r\n');
      resolve(all.subarray(at + 4));
    });
    sock.write(`POST /v1.41/exec/${id}/start HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n${json}`);
  });
}

test('a TTY exec started without Tty gets its output in stdout frames (docker-py), with Tty raw', { skip: skipUnlessRoot }, async () => {
  const id = ok(d.wharf(['run', '-d', 'busybox', 'sleep', '300'])).trim();
  const create = async () => JSON.parse((await api('POST', `/containers/${id}/exec`, { Cmd: ['printf', 'yay'], Tty: true, AttachStdout: true, AttachStderr: true })).body).Id as string;
  const framed = await execStart(await create(), { Detach: false, Tty: false });
  assert.deepEqual([...framed.subarray(0, 8)], [1, 0, 0, 0, 0, 0, 0, 3], 'stdout frame header of 3 bytes');
  assert.equal(framed.subarray(8).toString(), 'yay');
  const raw = await execStart(await create(), { Detach: false, Tty: true });
  assert.equal(raw.toString(), 'yay');
  ok(d.wharf(['rm', '-f', id]));
});

test('kill (SIGKILL) returns once the container is down: inspect right after shows it exited 137', { skip: skipUnlessRoot }, async () => {
  const id = ok(d.wharf(['run', '-d', 'busybox', 'sleep', '300'])).trim();
  assert.equal((await api('POST', `/containers/${id}/kill`)).status, 204);
  const state = JSON.parse((await api('GET', `/containers/${id}/json`)).body).State;
  assert.equal(state.Running, false);
  assert.equal(state.ExitCode, 137);
  ok(d.wharf(['rm', id]));
});

test('diff shows only what the container changed; /.dockerenv and /etc/mtab come from the init layer', { skip: skipUnlessRoot }, () => {
  const out = ok(d.docker(['run', '--name', 'differ', 'busybox', 'sh', '-c', 'mkdir /test && echo x > /test/f && ls -l /.dockerenv && readlink /etc/mtab']));
  assert.match(out, /^-rwxr-xr-x\s+1 root\s+root\s+0 .* \/\.dockerenv\n\/proc\/mounts\n$/);
  assert.equal(ok(d.docker(['diff', 'differ'])), 'A /test\nA /test/f\n');
  // The commit carries the changes only, never the mount points.
  ok(d.wharf(['commit', 'differ', 'differ-img']));
  const files = ok(d.wharf(['run', '--rm', 'differ-img', 'sh', '-c', 'cat /test/f; cat /etc/hostname | wc -c']));
  assert.match(files, /^x\n13\n$/);
  ok(d.wharf(['rm', 'differ']));
});

test('log drivers and json-file options are checked at create, with dockerd texts', { skip: skipUnlessRoot }, async () => {
  const bad = await api('POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: { LogConfig: { Type: 'asdf' } } });
  assert.deepEqual([bad.status, JSON.parse(bad.body).message], [400, 'error looking up logging plugin asdf: plugin "asdf" not found']);
  const opt = await api('POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: { LogConfig: { Type: 'json-file', Config: { foo: 'bar' } } } });
  assert.deepEqual([opt.status, JSON.parse(opt.body).message], [400, "unknown log opt 'foo' for json-file log driver"]);
  const good = await api('POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: { LogConfig: { Type: 'json-file', Config: { 'max-size': '1m' } } } });
  assert.equal(good.status, 201);
  ok(d.wharf(['rm', JSON.parse(good.body).Id]));
});

test('--device-cgroup-rule is added to the container\'s device cgroup', { skip: skipUnlessRoot }, () => {
  const r = d.docker(['run', '--rm', '--device-cgroup-rule', 'c 7:128 rwm', 'busybox', 'sh', '-c', 'cat /sys/fs/cgroup/devices/devices.list 2>/dev/null || echo no-v1']);
  const out = ok(r);
  if (out.trim() === 'no-v1') return; // cgroup v2 has no devices.list to read back; runc enforces it through eBPF
  assert.match(out, /^c 7:128 rwm$/m);
});

test('load answers 200 and reports an unreadable archive in the stream, as dockerd', { skip: skipUnlessRoot }, async () => {
  const r = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ socketPath: d.socket, path: '/v1.41/images/load', method: 'POST', agent: false, headers: { 'Content-Type': 'application/x-tar' } }, (res) => {
      let text = '';
      res.on('data', (b) => { text += b; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end('abc');
  });
  assert.equal(r.status, 200);
  const msg = 'Error processing tar file(exit status 1): unexpected EOF';
  assert.deepEqual(JSON.parse(r.body), { errorDetail: { message: msg }, error: msg });
  const cli = d.docker(['load'], { input: Buffer.alloc(2048, 7) });
  assert.equal(cli.code, 1);
  assert.match(cli.stderr, /Error processing tar file\(exit status 1\): archive\/tar: invalid tar header/);
});

test('--mac-address sets the primary endpoint\'s MAC (Config.MacAddress), as dockerd 20.10 takes it', { skip: skipUnlessRoot }, () => {
  assert.equal(ok(d.wharf(['run', '--rm', '--mac-address', '92:d0:c6:0a:29:33', 'busybox', 'cat', '/sys/class/net/eth0/address'])), '92:d0:c6:0a:29:33\n');
  const id = ok(d.wharf(['run', '-d', '--mac-address', '02:42:ac:11:00:99', 'busybox', 'sleep', '300'])).trim();
  assert.equal(ok(d.wharf(['inspect', '-f', '{{.Config.MacAddress}} {{.NetworkSettings.MacAddress}}', id])), '02:42:ac:11:00:99 02:42:ac:11:00:99\n');
  ok(d.wharf(['rm', '-f', id]));
});

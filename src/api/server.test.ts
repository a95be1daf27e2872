import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Conflict, InvalidParameter, NotFound, NotModified, Unavailable } from '../errors.js';
import type { Filters, JsonObject } from './backend.js';
import { call, fakeBackend } from './fake-backend.js';
import { createApiServer, type ApiServer } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'wharf-api-'));
const sock = join(dir, 'api.sock');
let server: ApiServer;
const seen: { filters?: Filters; body?: JsonObject; apiVersion?: string; all?: boolean; eventsAborted?: boolean } = {};

before(async () => {
  server = createApiServer(fakeBackend({
    async ping() {},
    async version(ctx) { seen.apiVersion = ctx.apiVersion; return { ApiVersion: '1.41', Version: '0.1.0' }; },
    async listContainers(opts) { seen.filters = opts.filters; seen.all = opts.all; return []; },
    async inspectContainer(id) {
      if (id === 'gone') throw new NotFound('No such container: gone');
      if (id === 'boom') throw new Error('kaboom');
      return { Id: id };
    },
    async createContainer(opts, body) { seen.body = body; return { Id: 'c'.repeat(64), Warnings: [] }; },
    async startContainer(id) { if (id === 'running') throw new NotModified(); },
    async killContainer() { throw new Conflict('Cannot kill container: x: Container x is not running'); },
    async info() { throw new Unavailable('daemon is shutting down'); },
    async removeContainer(id, opts) { if (!opts.force) throw new InvalidParameter('need force'); },
    async pullImage(opts) {
      if (opts.fromImage === 'nosuch') throw new NotFound('pull access denied for nosuch');
      return (async function* () {
        yield { status: 'Pulling from library/' + opts.fromImage, id: opts.tag ?? 'latest' };
        throw new Error('connection reset');
      })();
    },
    async *events(_opts, ctx) {
      yield { Type: 'container', Action: 'start' };
      await new Promise((r) => ctx.signal.addEventListener('abort', r));
      seen.eventsAborted = true;
    },
  }), { socketPath: sock, version: '0.1.0-test' });
  await server.listen();
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

test('socket is created with mode 0660', () => {
  assert.equal(statSync(sock).mode & 0o777, 0o660);
});

test('GET and HEAD /_ping answer OK with docker headers', async () => {
  const get = await call(sock, 'GET', '/_ping');
  assert.equal(get.status, 200);
  assert.equal(get.body, 'OK');
  assert.equal(get.headers['api-version'], '1.41');
  assert.equal(get.headers['docker-experimental'], 'false');
  assert.equal(get.headers['ostype'], 'linux');
  assert.equal(get.headers['server'], 'Wharf/0.1.0-test (linux)');
  assert.equal(get.headers['cache-control'], 'no-cache, no-store, must-revalidate');
  assert.equal(get.headers['pragma'], 'no-cache');
  const head = await call(sock, 'HEAD', '/v1.41/_ping');
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  assert.equal(head.headers['content-length'], '0');
  assert.equal(head.headers['api-version'], '1.41');
});

test('version prefixes: none, old, too new, too old', async () => {
  assert.equal((await call(sock, 'GET', '/version')).status, 200);
  assert.equal(seen.apiVersion, '1.41');
  assert.equal((await call(sock, 'GET', '/v1.24/version')).status, 200);
  assert.equal(seen.apiVersion, '1.24');
  const tooNew = await call(sock, 'GET', '/v1.99/version');
  assert.equal(tooNew.status, 400);
  assert.deepEqual(JSON.parse(tooNew.body), { message: 'client version 1.99 is too new. Maximum supported API version is 1.41' });
  const tooOld = await call(sock, 'GET', '/v1.11/version');
  assert.equal(tooOld.status, 400);
  assert.match(tooOld.body, /^client version 1.11 is too old. Minimum supported API version is 1.12/);
});

test('unknown routes and wrong methods are 404 page not found', async () => {
  for (const [m, p] of [['GET', '/v1.41/nope'], ['DELETE', '/_ping'], ['GET', '/v1.99/nope'], ['GET', '/containers/a/b/json']]) {
    const r = await call(sock, m!, p!);
    assert.equal(r.status, 404, `${m} ${p}`);
    assert.equal(r.body, '{"message":"page not found"}\n');
    assert.equal(r.headers['content-type'], 'application/json');
  }
});

test('error kinds map to statuses with a JSON message', async () => {
  const nf = await call(sock, 'GET', '/v1.41/containers/gone/json');
  assert.equal(nf.status, 404);
  assert.equal(nf.body, '{"message":"No such container: gone"}\n');
  assert.equal(nf.headers['api-version'], '1.41');
  const conflict = await call(sock, 'POST', '/containers/x/kill');
  assert.equal(conflict.status, 409);
  assert.equal(JSON.parse(conflict.body).message, 'Cannot kill container: x: Container x is not running');
  const notMod = await call(sock, 'POST', '/containers/running/start');
  assert.equal(notMod.status, 304);
  assert.equal(notMod.body, '');
  assert.equal((await call(sock, 'POST', '/containers/ok/start')).status, 204);
  assert.equal((await call(sock, 'GET', '/info')).status, 503);
  assert.equal((await call(sock, 'DELETE', '/containers/x')).status, 400);
  assert.equal((await call(sock, 'DELETE', '/containers/x?force=True')).status, 204);
  const notImpl = await call(sock, 'GET', '/images/json');
  assert.equal(notImpl.status, 501);
  const orig = process.stderr.write;
  process.stderr.write = () => true; // the 500's stack is logged; keep test output clean
  try {
    const boom = await call(sock, 'GET', '/containers/boom/json');
    assert.equal(boom.status, 500);
    assert.deepEqual(JSON.parse(boom.body), { message: 'kaboom' });
  } finally {
    process.stderr.write = orig;
  }
});

test('JSON bodies: Go decoder messages, Content-Type check, trailing data ignored', async () => {
  const json = { 'Content-Type': 'application/json' };
  const bad = await call(sock, 'POST', '/v1.41/containers/create', 'xyz', json);
  assert.equal(bad.status, 400);
  assert.equal(JSON.parse(bad.body).message, "invalid character 'x' looking for beginning of value");
  const truncated = await call(sock, 'POST', '/containers/create', '{"Image":', json);
  assert.equal(JSON.parse(truncated.body).message, 'unexpected EOF');
  const empty = await call(sock, 'POST', '/containers/create', '', json);
  assert.equal(JSON.parse(empty.body).message, 'EOF');
  const ct = await call(sock, 'POST', '/containers/create', '{}', { 'Content-Type': 'text/plain' });
  assert.equal(ct.status, 400);
  assert.equal(JSON.parse(ct.body).message, "Content-Type specified (text/plain) must be 'application/json'");
  const ok = await call(sock, 'POST', '/containers/create?name=web', '{"Image":"busybox"} trailing', json);
  assert.equal(ok.status, 201);
  assert.deepEqual(seen.body, { Image: 'busybox' });
  assert.equal(JSON.parse(ok.body).Id.length, 64);
});

test('query booleans and both filter forms', async () => {
  await call(sock, 'GET', '/containers/json?all=True&filters=' + encodeURIComponent('{"status":{"running":true,"exited":true}}'));
  assert.equal(seen.all, true);
  assert.deepEqual(seen.filters, { status: ['running', 'exited'] });
  await call(sock, 'GET', '/containers/json?all=0&filters=' + encodeURIComponent('{"label":["a=b"]}'));
  assert.equal(seen.all, false);
  assert.deepEqual(seen.filters, { label: ['a=b'] });
  const bad = await call(sock, 'GET', '/containers/json?filters=bad');
  assert.equal(bad.status, 400);
  assert.equal(JSON.parse(bad.body).message, "invalid character 'b' looking for beginning of value");
  const badShape = await call(sock, 'GET', '/containers/json?filters=' + encodeURIComponent('{"status":"running"}'));
  assert.equal(badShape.status, 400);
  assert.equal(JSON.parse(badShape.body).message, 'json: cannot unmarshal string into Go value of type map[string]bool');
  const badLimit = await call(sock, 'GET', '/containers/json?limit=abc');
  assert.equal(JSON.parse(badLimit.body).message, 'strconv.Atoi: parsing "abc": invalid syntax');
});

test('progress streams: early errors are statuses, later ones in-band', async () => {
  const early = await call(sock, 'POST', '/images/create?fromImage=nosuch&tag=latest');
  assert.equal(early.status, 404);
  assert.equal(JSON.parse(early.body).message, 'pull access denied for nosuch');
  const orig = process.stderr.write;
  process.stderr.write = () => true;
  try {
    const late = await call(sock, 'POST', '/images/create?fromImage=busybox&tag=1.36');
    assert.equal(late.status, 200);
    assert.equal(late.headers['content-type'], 'application/json');
    const lines = late.body.split('\r\n').filter(Boolean).map((l) => JSON.parse(l));
    assert.deepEqual(lines, [
      { status: 'Pulling from library/busybox', id: '1.36' },
      { errorDetail: { message: 'connection reset' }, error: 'connection reset' },
    ]);
  } finally {
    process.stderr.write = orig;
  }
});

test('events stream JSON lines until the client disconnects', async () => {
  const line = await new Promise<string>((resolve, reject) => {
    const req = request({ socketPath: sock, path: '/v1.41/events' }, (res) => {
      assert.equal(res.headers['content-type'], 'application/json');
      res.once('data', (b: Buffer) => { resolve(b.toString()); req.destroy(); });
    });
    req.on('error', (err) => { if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err); });
    req.end();
  });
  assert.deepEqual(JSON.parse(line), { Type: 'container', Action: 'start' });
  for (let i = 0; i < 50 && !seen.eventsAborted; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(seen.eventsAborted, true, 'client disconnect aborts the backend stream');
  // The server is still healthy after the abort.
  assert.equal((await call(sock, 'GET', '/_ping')).status, 200);
});

test('swarm and plugin endpoints answer like dockerd outside a swarm', async () => {
  const notManager = 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';
  for (const [method, path] of [['GET', '/swarm'], ['GET', '/nodes'], ['GET', '/services/abc'], ['POST', '/services/create'], ['DELETE', '/secrets/s1'], ['GET', '/configs']]) {
    const r = await call(sock, method!, `/v1.41${path}`);
    assert.equal(r.status, 503, `${method} ${path}`);
    assert.deepEqual(JSON.parse(r.body), { message: notManager });
  }
  const leave = await call(sock, 'POST', '/swarm/leave');
  assert.deepEqual([leave.status, JSON.parse(leave.body).message], [503, 'This node is not part of a swarm']);
  const plugins = await call(sock, 'GET', '/plugins');
  assert.deepEqual([plugins.status, JSON.parse(plugins.body)], [200, []]);
  const one = await call(sock, 'GET', '/plugins/x/json');
  assert.deepEqual([one.status, JSON.parse(one.body).message], [404, 'plugin "x" not found']);
  const del = await call(sock, 'DELETE', '/plugins/vieux/sshfs:latest');
  assert.deepEqual([del.status, JSON.parse(del.body).message], [404, 'plugin "vieux/sshfs:latest" not found']);
});

// Proves the error replies against the real dockerd when its socket is present: same status (where wharf
// deliberately matches 20.10) and the same {"message"} text for the same request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidParameter, NotFound } from '../errors.js';
import { call, fakeBackend } from './fake-backend.js';
import { createApiServer, type ApiServer } from './index.js';

const DOCKER = '/var/run/docker.sock';
const skip = existsSync(DOCKER) ? false : `no dockerd at ${DOCKER}`;
const dir = mkdtempSync(join(tmpdir(), 'wharf-compat-'));
const sock = join(dir, 'api.sock');
let server: ApiServer;

before(async () => {
  server = createApiServer(fakeBackend({
    async ping() {},
    async inspectContainer(id) { throw new NotFound(`No such container: ${id}`); },
    async inspectImage(name) { throw new NotFound(`no such image: ${name}: No such image: ${name}`); }, // dockerd 20.10 says it twice
    async containerLogs(id) { throw new NotFound(`No such container: ${id}`); },
    async listContainers(opts) {
      for (const key of Object.keys(opts.filters)) if (key !== 'status') throw new InvalidParameter(`Invalid filter '${key}'`);
      return [];
    },
  }), { socketPath: sock, version: 'test' });
  await server.listen();
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const json = { 'Content-Type': 'application/json' };
// [method, path, body, headers, compare status too]
const cases: Array<[string, string, string | undefined, Record<string, string>, boolean]> = [
  ['GET', '/v1.41/containers/wharf-compat-nonexistent/json', undefined, {}, true],
  ['GET', '/v1.41/images/wharf-compat-nonexistent:zz/json', undefined, {}, true],
  ['GET', '/v1.41/no/such/route', undefined, {}, true],
  ['GET', '/v1.99/version', undefined, {}, true],
  ['GET', '/v1.41/containers/wharf-compat-nonexistent/logs', undefined, {}, true],
  ['GET', '/v1.41/containers/json?filters=' + encodeURIComponent('{"bogus":["x"]}'), undefined, {}, true],
  ['POST', '/v1.41/containers/create', '{}', { 'Content-Type': 'text/plain' }, true],
  // dockerd 20.10 answers these with 500; wharf (like dockerd >= 23) uses 400. The message must match.
  ['POST', '/v1.41/containers/create', 'xyz', json, false],
  ['POST', '/v1.41/containers/create', '{"Image":', json, false],
  ['GET', '/v1.41/containers/json?filters=bad', undefined, {}, false],
  ['GET', '/v1.41/containers/json?limit=abc', undefined, {}, false],
];

test('error replies match dockerd', { skip }, async () => {
  for (const [method, path, body, headers, sameStatus] of cases) {
    const [want, got] = await Promise.all([call(DOCKER, method, path, body, headers), call(sock, method, path, body, headers)]);
    if (sameStatus) assert.equal(got.status, want.status, `${method} ${path}`);
    else assert.equal(got.status, 400, `${method} ${path}`);
    assert.deepEqual(JSON.parse(got.body), JSON.parse(want.body), `${method} ${path}`);
    assert.equal(got.headers['content-type'], want.headers['content-type'], `${method} ${path}`);
  }
});

test('ping headers match dockerd apart from Server', { skip }, async () => {
  for (const method of ['GET', 'HEAD']) {
    const [want, got] = await Promise.all([call(DOCKER, method, '/_ping'), call(sock, method, '/_ping')]);
    for (const h of ['api-version', 'docker-experimental', 'ostype', 'cache-control', 'pragma', 'content-type', 'content-length']) {
      assert.equal(got.headers[h], want.headers[h], `${method} /_ping ${h}`);
    }
    assert.equal(got.body, want.body);
  }
});

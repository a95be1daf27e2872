// Engine API conformance: real response bodies from a running wharfd, checked against the swagger 2.0 response
// schemas of the v1.41 spec in ../shared/ref (types, required properties, x-nullable, unknown properties where
// the spec declares no additionalProperties, enums). Where the spec disagrees with what dockerd 20.10 itself
// sends, the difference is allowed below by name, with the dockerd behaviour that justifies it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { TestDaemon, ok, repoRoot, skipUnlessRoot } from '../helpers/daemon.js';
import { SwaggerSpec, type Issue, type IssueKind } from './swagger-validate.js';

const specFile = join(process.env.WHARF_SHARED_REF ?? join(repoRoot, '../shared/ref'), 'engine-api-v1.41.yaml');
const skip = skipUnlessRoot || (existsSync(specFile) ? false
  : `API conformance needs ${specFile} (the shared reference data; a fresh clone has no ../shared)`);

/**
 * Differences between the spec and what dockerd 20.10.24 sends for the same request (checked against
 * /var/run/docker.sock): the spec is wrong there, and matching dockerd is what clients depend on.
 */
interface Allowance { route: string; path: string; kind: IssueKind; why: string }
const ALLOWED: Allowance[] = [
];

const d = new TestDaemon('wharf-conformance');
let spec: SwaggerSpec;
const image = 'conformance-bb:latest';
let runningId = '';
let exitedId = '';

interface Reply { status: number; body: unknown; text: string }

function api(method: string, path: string, body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request({
      socketPath: d.socket, method, path: `/v1.41${path}`, agent: false,
      headers: data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {},
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed: unknown = text;
        if (/json/.test(String(res.headers['content-type']))) parsed = JSON.parse(text);
        resolve({ status: res.statusCode ?? 0, body: parsed, text });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** Fetches `method url`, asserts the status, and validates the body against the spec's schema for `route`. */
async function conforms(method: string, url: string, route: string, status: number, body?: unknown): Promise<unknown> {
  const r = await api(method, url, body);
  assert.equal(r.status, status, `${method} ${url}: ${r.text.slice(0, 300)}`);
  const issues = spec.validate(r.body, spec.responseSchema(method, route, status));
  assertNoIssues(`${method} ${route}`, issues);
  return r.body;
}

function assertNoIssues(route: string, issues: Issue[]): void {
  const left = issues.filter((i) => !ALLOWED.some((a) => a.route === route && a.path === i.path && a.kind === i.kind));
  const unique = [...new Set(left.map((i) => i.message))];
  assert.deepEqual(unique, [], `${route} does not match the v1.41 spec:\n  ${unique.join('\n  ')}`);
}

before(async () => {
  if (skip) return;
  spec = SwaggerSpec.load(specFile);
  await d.start();
  d.importBusybox(image);
  runningId = ok(d.wharf(['run', '-d', '--name', 'conf-running', '-l', 'tier=web', image, 'sleep', '300'])).trim();
  exitedId = ok(d.wharf(['run', '--name', 'conf-exited', image, 'true'])).trim() || ok(d.wharf(['inspect', '-f', '{{.Id}}', 'conf-exited'])).trim();
});
after(async () => { if (!skip) await d.cleanup(); });

test('the validator itself catches wrong types, nulls, missing and unknown properties', { skip }, () => {
  const s = spec.definition('ErrorResponse');
  assert.deepEqual(spec.validate({ message: 'x' }, s), []);
  assert.deepEqual(spec.validate({}, s).map((i) => i.kind), ['required']);
  assert.deepEqual(spec.validate({ message: 1 }, s).map((i) => i.kind), ['type']);
  assert.deepEqual(spec.validate({ message: null }, s).map((i) => i.kind), ['null']);
  assert.deepEqual(spec.validate({ message: 'x', extra: 1 }, s).map((i) => i.kind), ['extra']);
  // allOf + $ref: ContainerConfig's properties are known inside ContainerInspect's Config.
  const inspect = spec.responseSchema('get', '/containers/{id}/json', 200);
  assert.deepEqual(spec.validate({ Config: { Hostname: 3 } }, inspect).map((i) => i.path), ['$.Config.Hostname']);
});

test('GET /_ping and /version', { skip }, async () => {
  const ping = await api('GET', '/_ping');
  assert.equal(ping.status, 200);
  assertNoIssues('GET /_ping', spec.validate(ping.text, spec.responseSchema('get', '/_ping', 200)));
  assert.equal(ping.text, 'OK');
  await conforms('GET', '/version', '/version', 200);
});

test('GET /info', { skip }, async () => {
  await conforms('GET', '/info', '/info', 200);
});

test('GET /containers/json with a running and an exited container', { skip }, async () => {
  const list = await conforms('GET', '/containers/json?all=1', '/containers/json', 200) as Array<{ Id: string; State: string }>;
  const states = Object.fromEntries(list.map((c) => [c.Id, c.State]));
  assert.equal(states[runningId], 'running');
  assert.equal(states[exitedId], 'exited');
  await conforms('GET', '/containers/json?size=1', '/containers/json', 200);
});

test('GET /containers/{id}/json and /top', { skip }, async () => {
  await conforms('GET', `/containers/${runningId}/json?size=1`, '/containers/{id}/json', 200);
  await conforms('GET', `/containers/${exitedId}/json`, '/containers/{id}/json', 200);
  const top = await conforms('GET', `/containers/${runningId}/top`, '/containers/{id}/top', 200) as { Processes: string[][] };
  assert.ok(top.Processes.some((p) => p.join(' ').includes('sleep 300')), JSON.stringify(top));
});

test('GET /images/json, /images/{name}/json and /history', { skip }, async () => {
  await conforms('GET', '/images/json', '/images/json', 200);
  await conforms('GET', `/images/${image}/json`, '/images/{name}/json', 200);
  await conforms('GET', `/images/${image}/history`, '/images/{name}/history', 200);
});

test('GET /system/df and /networks', { skip }, async () => {
  await conforms('GET', '/system/df', '/system/df', 200);
  await conforms('GET', '/networks', '/networks', 200);
});

test('GET /volumes', { skip }, async () => {
  ok(d.wharf(['volume', 'create', 'conf-vol']));
  const vols = await conforms('GET', '/volumes', '/volumes', 200) as { Volumes: Array<{ Name: string }> };
  assert.ok(vols.Volumes.some((v) => v.Name === 'conf-vol'));
});

test('POST /containers/create', { skip }, async () => {
  const body = await conforms('POST', '/containers/create?name=conf-created', '/containers/create', 201,
    { Image: image, Cmd: ['true'], Labels: { a: 'b' } }) as { Id: string };
  assert.match(body.Id, /^[0-9a-f]{64}$/);
});

test('error bodies: 404 and 409 are ErrorResponse', { skip }, async () => {
  await conforms('GET', '/containers/no-such-conf/json', '/containers/{id}/json', 404);
  await conforms('GET', '/images/no-such-conf:nope/json', '/images/{name}/json', 404);
  // dockerd: removing a running container without force is a 409 Conflict.
  await conforms('DELETE', `/containers/${runningId}`, '/containers/{id}', 409);
  // And creating a second container with a name in use.
  await conforms('POST', '/containers/create?name=conf-created', '/containers/create', 409, { Image: image, Cmd: ['true'] });
});

test('POST /containers/prune and /images/prune', { skip }, async () => {
  const pruned = await conforms('POST', '/containers/prune', '/containers/prune', 200) as { ContainersDeleted: string[] | null };
  assert.ok(pruned.ContainersDeleted?.includes(exitedId), JSON.stringify(pruned));
  // A dangling image: import, then re-tag its name onto another import.
  ok(d.wharf(['import', '-c', 'LABEL v=1', '-', 'conf-dangling:latest'], { input: busyboxTar() }));
  ok(d.wharf(['import', '-c', 'LABEL v=2', '-', 'conf-dangling:latest'], { input: busyboxTar() }));
  const ipruned = await conforms('POST', '/images/prune', '/images/prune', 200) as { ImagesDeleted: unknown[] | null };
  assert.ok((ipruned.ImagesDeleted ?? []).length > 0, JSON.stringify(ipruned));
});

test('DELETE /images/{name}', { skip }, async () => {
  const items = await conforms('DELETE', '/images/conf-dangling:latest', '/images/{name}', 200) as Array<Record<string, string>>;
  assert.ok(items.some((i) => i.Untagged === 'conf-dangling:latest'), JSON.stringify(items));
  assert.ok(items.some((i) => i.Deleted), JSON.stringify(items));
});

let tarCache: Buffer | undefined;
function busyboxTar(): Buffer {
  tarCache ??= spawnSync('bash', [join(repoRoot, 'scripts/busybox-rootfs.sh')], { maxBuffer: 64 << 20 }).stdout;
  return tarCache;
}

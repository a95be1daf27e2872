import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interpolate, parseDotEnv, InterpolationError } from './interpolate.js';
import { splitWords } from './shell-words.js';
import { loadProject, parsePort, parseMount, dependencyOrder, ComposeError } from './load.js';
import { configHash, createRequest, LABEL, serviceNetworks } from './convert.js';
import { composeSpecText } from './generated/compose-spec.js';

const env = { A: 'a', EMPTY: '' };
const look = (k: string): string | undefined => (env as Record<string, string>)[k];

test('interpolation follows compose-go: defaults, alternatives, required, $$ and nesting', () => {
  assert.equal(interpolate('$A ${A} $$A ${NOPE}', look), 'a a $A ');
  assert.equal(interpolate('${EMPTY:-d} ${EMPTY-d} ${NOPE-d} ${NOPE:-${A}x}', look), 'd  d ax');
  assert.equal(interpolate('${A:+alt} ${EMPTY:+alt} ${EMPTY+alt} ${NOPE+alt}', look), 'alt  alt ');
  assert.throws(() => interpolate('${NOPE:?must be set}', look), (e: Error) => e instanceof InterpolationError && e.message === 'required variable NOPE is missing a value: must be set');
  assert.throws(() => interpolate('${EMPTY:?}', look), /required variable EMPTY is missing a value/);
  assert.equal(interpolate('${EMPTY?}', look), '');
  assert.throws(() => interpolate('${A', look), /Invalid template/);
  assert.equal(interpolate('cost: 5$', look), 'cost: 5$');
});

test('.env parsing: export, comments, quotes, references', () => {
  const parsed = parseDotEnv([
    '# comment', 'export X=1', 'Y = two words # trailing', "Q='lit $X'", 'D="line\\nnext ${X}"', 'R=${X}-r', 'BARE', '',
  ].join('\n'), (k) => (k === 'BARE' ? 'from-env' : undefined));
  assert.deepEqual(parsed, { X: '1', Y: 'two words', Q: 'lit $X', D: 'line\nnext 1', R: '1-r', BARE: 'from-env' });
});

test('command strings split like go-shellwords, not by a shell', () => {
  assert.deepEqual(splitWords(`sh -c 'echo "hi there"; exit 3'`), ['sh', '-c', 'echo "hi there"; exit 3']);
  assert.deepEqual(splitWords('echo "a \\"b\\"" c\\ d  $HOME'), ['echo', 'a "b"', 'c d', '$HOME']);
});

test('ports: short syntax, ranges, host IPs, protocols, long syntax', () => {
  assert.deepEqual(parsePort('8080:80'), [{ target: 80, published: '8080', host_ip: undefined, protocol: 'tcp', mode: 'ingress' }]);
  assert.deepEqual(parsePort('127.0.0.1:53:53/udp')[0], { target: 53, published: '53', host_ip: '127.0.0.1', protocol: 'udp', mode: 'ingress' });
  assert.deepEqual(parsePort(3000)[0]!.published, undefined);
  assert.deepEqual(parsePort('9000-9001:80-81').map((p) => [p.published, p.target]), [['9000', 80], ['9001', 81]]);
  assert.deepEqual(parsePort({ target: 80, published: 8081 })[0], { target: 80, published: '8081', host_ip: undefined, protocol: 'tcp', mode: 'ingress' });
  assert.throws(() => parsePort('a:b'), /Invalid containerPort/);
});

test('volumes: named, relative and absolute binds, anonymous, options', () => {
  assert.deepEqual(parseMount('data:/var/lib/data:ro', '/proj'), { type: 'volume', source: 'data', target: '/var/lib/data', read_only: true });
  assert.deepEqual(parseMount('./src:/app', '/proj'), { type: 'bind', source: '/proj/src', target: '/app', bind: { create_host_path: true, propagation: undefined } });
  assert.deepEqual(parseMount('/cache', '/proj'), { type: 'volume', target: '/cache' });
  assert.equal(parseMount({ type: 'tmpfs', target: '/t', tmpfs: { size: '1m' } }, '/p').tmpfs?.size, 1048576);
});

function project(files: Record<string, string>, opts: { env?: NodeJS.ProcessEnv; dir?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'compose-unit-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, load: (more: Partial<Parameters<typeof loadProject>[0]> = {}) => loadProject({ files: [], env: opts.env ?? {}, cwd: dir, ...more }) };
}

test('loading: default file and override, .env, project name from the directory, normalized services', () => {
  const { dir, load } = project({
    'compose.yaml': 'services:\n  web:\n    image: "busybox:${TAG:-1}"\n    command: echo hi\n    environment: [A=1, B]\n    ports: ["8080:80"]\n    depends_on: [db]\n  db:\n    image: busybox\n    volumes: [data:/data]\nvolumes:\n  data: {}\n',
    'compose.override.yaml': 'services:\n  web:\n    environment:\n      C: "3"\n    ports: ["9090:90"]\n',
    '.env': 'TAG=2\n',
  }, { env: { B: 'from-env' } });
  const p = load();
  assert.match(p.name, /^compose-unit-/);
  assert.equal(p.workingDir, dir);
  assert.deepEqual(p.configFiles, [join(dir, 'compose.yaml'), join(dir, 'compose.override.yaml')]);
  const web = p.services.web!;
  assert.equal(web.image, 'busybox:2');
  assert.deepEqual(web.command, ['echo', 'hi']);
  assert.deepEqual(web.environment, { A: '1', B: 'from-env', C: '3' });
  assert.deepEqual(web.ports.map((x) => x.published), ['8080', '9090']);
  assert.deepEqual(web.networks, { default: null });
  assert.equal(p.networks.default!.name, `${p.name}_default`);
  assert.equal(p.volumes.data!.name, `${p.name}_data`);
  assert.deepEqual(dependencyOrder(p.services).map((s) => s.name), ['db', 'web']);
});

test('project names: -p, COMPOSE_PROJECT_NAME, name:, and invalid ones', () => {
  const { load } = project({ 'compose.yaml': 'name: fromfile\nservices:\n  a:\n    image: x\n' }, { env: { COMPOSE_PROJECT_NAME: 'fromenv' } });
  assert.equal(load({ projectName: 'flag' }).name, 'flag');
  assert.equal(load().name, 'fromenv');
  assert.equal(load({ env: {} }).name, 'fromfile');
  assert.throws(() => load({ projectName: 'Bad!' }), /invalid project name "Bad!"/);
});

test('bad files: schema errors name the path, missing variables, undefined references, cycles', () => {
  const { dir, load } = project({ 'compose.yaml': 'services:\n  web:\n    image: x\n    foo: 1\n' });
  assert.throws(() => load(), (e: Error) => e instanceof ComposeError && e.message === `validating ${join(dir, 'compose.yaml')}: services.web additional properties 'foo' not allowed`);
  assert.throws(() => project({ 'compose.yaml': 'services:\n  a:\n    image: ${IMG:?set IMG}\n' }).load(), /required variable IMG is missing a value: set IMG/);
  assert.throws(() => project({ 'compose.yaml': 'services:\n  a:\n    image: x\n    depends_on: [b]\n' }).load(), /service "a" depends on undefined service "b"/);
  assert.throws(() => project({ 'compose.yaml': 'services:\n  a:\n    image: x\n    volumes: [nope:/x]\n' }).load(), /refers to undefined volume nope/);
  const cyc = project({ 'compose.yaml': 'services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n' }).load();
  assert.throws(() => dependencyOrder(cyc.services), /dependency cycle detected/);
  assert.throws(() => project({ 'compose.yaml': 'services: [\n' }).load(), /yaml: line 2: /);
  assert.throws(() => project({}).load({ files: ['missing.yml'] }), /no such file or directory/);
});

test('profiles and extends', () => {
  const { load } = project({
    'compose.yaml': 'services:\n  base:\n    image: x\n    environment: {A: "1"}\n  app:\n    extends: base\n    environment: {B: "2"}\n  debug:\n    image: y\n    profiles: [dev]\n',
  });
  const p = load();
  assert.deepEqual(Object.keys(p.services).sort(), ['app', 'base']);
  assert.deepEqual(p.services.app!.environment, { A: '1', B: '2' });
  assert.equal(p.services.app!.image, 'x');
  assert.ok(load({ profiles: ['dev'] }).services.debug);
});

test('create request: labels, env, ports, mounts, network and aliases', () => {
  const { load } = project({ 'compose.yaml': 'name: demo\nservices:\n  web:\n    image: bb\n    environment: {A: "1"}\n    ports: ["127.0.0.1:8080:80"]\n    volumes: [data:/d, ./x:/x:ro]\n    restart: on-failure:3\n    healthcheck:\n      test: wget -q localhost\n      interval: 2s\nvolumes:\n  data: {}\n' });
  const p = load();
  const { name, body } = createRequest(p, p.services.web!, 1, 'sha256:abc');
  assert.equal(name, 'demo-web-1');
  const labels = body.Labels as Record<string, string>;
  assert.equal(labels[LABEL.project], 'demo');
  assert.equal(labels[LABEL.service], 'web');
  assert.equal(labels[LABEL.number], '1');
  assert.equal(labels[LABEL.oneoff], 'False');
  assert.equal(labels[LABEL.configHash], configHash(p.services.web!));
  assert.deepEqual(body.Env, ['A=1']);
  assert.deepEqual(body.Healthcheck, { Test: ['CMD-SHELL', 'wget -q localhost'], Interval: 2e9, Timeout: undefined, Retries: undefined, StartPeriod: undefined });
  const hc = body.HostConfig as Record<string, unknown>;
  assert.deepEqual(hc.PortBindings, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] });
  assert.deepEqual(hc.Binds, [`${p.workingDir}/x:/x:ro`]);
  assert.deepEqual(hc.Mounts, [{ Type: 'volume', Target: '/d', ReadOnly: false, Source: 'demo_data' }]);
  assert.deepEqual(hc.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
  assert.equal(hc.NetworkMode, 'demo_default');
  assert.deepEqual((body.NetworkingConfig as { EndpointsConfig: Record<string, { Aliases: string[] }> }).EndpointsConfig.demo_default!.Aliases, ['demo-web-1', 'web']);
});

test('networks: the highest priority is the create network, then file order; aliases and a fixed address', () => {
  const { load } = project({ 'compose.yaml': 'name: n\nservices:\n  web:\n    image: bb\n    networks:\n      a: {}\n      b: {priority: 10, aliases: [www], ipv4_address: 10.9.0.5}\n      c:\nnetworks:\n  a: {}\n  b: {}\n  c: {external: true}\n' });
  const p = load();
  assert.deepEqual(serviceNetworks(p.services.web!).map(([k]) => k), ['b', 'a', 'c']);
  const { body } = createRequest(p, p.services.web!, 1, 'sha256:abc');
  assert.equal((body.HostConfig as Record<string, unknown>).NetworkMode, 'n_b');
  assert.deepEqual((body.NetworkingConfig as { EndpointsConfig: unknown }).EndpointsConfig, {
    n_b: { Aliases: ['n-web-1', 'web', 'www'], IPAMConfig: { IPv4Address: '10.9.0.5', IPv6Address: undefined } },
  });
  assert.equal(p.networks.c!.name, 'c');
});

const sharedSpec = join(process.env.WHARF_SHARED_REF ?? new URL('../../../../shared/ref', import.meta.url).pathname, 'compose-spec.json');
test('the generated schema copy matches ../shared/ref/compose-spec.json', { skip: existsSync(sharedSpec) ? false : 'no shared reference data here' }, () => {
  assert.equal(composeSpecText, readFileSync(sharedSpec, 'utf8'));
});

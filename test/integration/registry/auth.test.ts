// Registry authentication and daemon settings against real registries: htpasswd basic auth, the Bearer token
// flow (a token issuer on loopback), login/logout and ~/.docker/config.json (and a credential helper), the
// real docker client logging in through wharfd, TLS with a test CA under certs.d, insecure-registries and
// registry-mirrors from the daemon config file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestDaemon, ok, skipUnlessRoot, dockerClient } from '../../helpers/daemon.js';
import { TestRegistry, nonLoopbackIp, skipUnlessRegistry } from '../../helpers/registry.js';
import { busyboxTar, uploadImage } from '../../helpers/registry-upload.js';

const skip = skipUnlessRoot || skipUnlessRegistry;
const ip = nonLoopbackIp();
const d = new TestDaemon('wharf-regauth');
const basic = new TestRegistry({ auth: 'basic' });
const token = new TestRegistry({ auth: 'token' });
const mirror = new TestRegistry();
const tls = ip ? new TestRegistry({ tls: true, ip }) : undefined;
const plain = ip ? new TestRegistry({ ip }) : undefined;
const home = mkdtempSync(join(tmpdir(), 'wharf-regauth-home-'));
const env = { DOCKER_CONFIG: join(home, 'docker') };
let certsDir = '';

before(async () => {
  if (skip) return;
  await Promise.all([basic, token, mirror, tls, plain].filter((r): r is TestRegistry => r !== undefined).map((r) => r.start()));
  const cfg = join(home, 'daemon.json');
  writeFileSync(cfg, JSON.stringify({ 'insecure-registries': plain ? [plain.host] : [], 'registry-mirrors': [mirror.url] }));
  await d.start(['--config-file', cfg]);
  d.importBusybox('busybox:latest');
  await uploadImage(mirror.url, 'library/mirrored', '1', [busyboxTar()], { cmd: ['echo', 'from the mirror'] });
});
after(async () => {
  if (skip) return;
  await Promise.all([d.cleanup(), ...[basic, token, mirror, tls, plain].map((r) => r?.stop())]);
  if (certsDir) rmSync(certsDir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

test('basic auth: login checks, stores in config.json, push/pull use it, logout removes it', { skip }, () => {
  const bad = d.wharf(['login', '-u', 'alice', '-p', 'nope', basic.host], { env });
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, `WARNING! Using --password via the CLI is insecure. Use --password-stdin.\nError response from daemon: login attempt to http://${basic.host}/v2/ failed with status: 401 Unauthorized\n`);
  const ref = `${basic.host}/team/bb:1`;
  ok(d.wharf(['tag', 'busybox', ref]));
  const anon = d.wharf(['push', ref], { env });
  assert.equal(anon.code, 1);
  assert.match(anon.stderr, /no basic auth credentials/);
  const good = d.wharf(['login', '-u', 'alice', '--password-stdin', basic.host], { env, input: 'wonderland\n' });
  assert.equal(good.code, 0, good.stderr);
  assert.equal(good.stdout, 'Login Succeeded\n');
  assert.match(good.stderr, /^WARNING! Your password will be stored unencrypted in .*config\.json\./);
  const cfg = JSON.parse(readFileSync(join(env.DOCKER_CONFIG, 'config.json'), 'utf8'));
  assert.equal(cfg.auths[basic.host].auth, Buffer.from('alice:wonderland').toString('base64'));
  assert.match(ok(d.wharf(['push', ref], { env })), /1: digest: sha256:/);
  ok(d.wharf(['rmi', ref]));
  assert.match(ok(d.wharf(['pull', ref], { env })), /Status: Downloaded newer image/);
  assert.equal(ok(d.wharf(['logout', basic.host], { env })), `Removing login credentials for ${basic.host}\n`);
  assert.equal(JSON.parse(readFileSync(join(env.DOCKER_CONFIG, 'config.json'), 'utf8')).auths[basic.host], undefined);
  const after = d.wharf(['pull', ref], { env });
  assert.equal(after.stderr, `Error response from daemon: Head "http://${basic.host}/v2/team/bb/manifests/1": no basic auth credentials\n`);
});

test('token auth: anonymous pulls are denied, login gets tokens, push and pull work', { skip }, () => {
  const ref = `${token.host}/team/bb:1`;
  ok(d.wharf(['tag', 'busybox', ref]));
  const bad = d.wharf(['login', '-u', 'alice', '--password-stdin', token.host], { env, input: 'nope' });
  assert.equal(bad.stderr, `Error response from daemon: Get "http://${token.host}/v2/": unauthorized: invalid credentials\n`);
  ok(d.wharf(['login', '-u', 'alice', '--password-stdin', token.host], { env, input: 'wonderland' }));
  const before = token.tokensIssued;
  assert.match(ok(d.wharf(['push', ref], { env })), /1: digest: sha256:/);
  assert.ok(token.tokensIssued > before, 'the push fetched a token');
  ok(d.wharf(['rmi', ref]));
  assert.match(ok(d.wharf(['pull', ref], { env })), /Status: Downloaded newer image/);
  const anon = d.wharf(['pull', ref], { env: { DOCKER_CONFIG: join(home, 'empty') } });
  assert.equal(anon.stderr, `Error response from daemon: pull access denied for ${token.host}/team/bb, repository does not exist or may require 'docker login': denied: requested access to the resource is denied\n`);
});

test('the real docker client logs in through wharfd and pushes with the token', { skip: skip || !dockerClient() }, () => {
  const r = d.docker(['login', '-u', 'alice', '--password-stdin', token.host], { input: 'wonderland' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'Login Succeeded\n');
  const ref = `${token.host}/viadocker/bb:2`;
  ok(d.wharf(['tag', 'busybox', ref]));
  assert.match(ok(d.docker(['push', ref])), /2: digest: sha256:/);
  const wrong = d.docker(['login', '-u', 'alice', '-p', 'nope', basic.host]);
  assert.match(wrong.stderr, new RegExp(`Error response from daemon: login attempt to http://${basic.host.replace(/\./g, '\\.')}/v2/ failed with status: 401 Unauthorized`));
});

test('a credential helper named by credsStore stores and serves the credentials', { skip }, () => {
  const bin = join(home, 'bin');
  mkdirSync(bin, { recursive: true });
  const store = join(home, 'helper-store.json');
  writeFileSync(join(bin, 'docker-credential-wharftest'), `#!/bin/sh
case "$1" in
  store) cat > ${store} ;;
  get) if [ -f ${store} ]; then cat ${store}; else echo "credentials not found in native keychain"; exit 1; fi ;;
  erase) rm -f ${store} ;;
esac
`);
  chmodSync(join(bin, 'docker-credential-wharftest'), 0o755);
  const cfgDir = join(home, 'helper');
  mkdirSync(cfgDir, { recursive: true });
  writeFileSync(join(cfgDir, 'config.json'), JSON.stringify({ credsStore: 'wharftest' }));
  const henv = { DOCKER_CONFIG: cfgDir, PATH: `${bin}:${process.env.PATH}` };
  const r = d.wharf(['login', '-u', 'alice', '--password-stdin', basic.host], { env: henv, input: 'wonderland' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', 'no unencrypted-storage warning with a helper');
  assert.deepEqual(JSON.parse(readFileSync(store, 'utf8')), { ServerURL: basic.host, Username: 'alice', Secret: 'wonderland' });
  assert.equal(JSON.parse(readFileSync(join(cfgDir, 'config.json'), 'utf8')).auths[basic.host].auth, undefined);
  assert.match(ok(d.wharf(['pull', `${basic.host}/team/bb:1`], { env: henv })), /Digest: sha256:/);
  ok(d.wharf(['logout', basic.host], { env: henv }));
  assert.equal(existsSync(store), false);
});

test('registry-mirrors from the daemon config serve Docker Hub images', { skip }, () => {
  const out = ok(d.wharf(['pull', 'mirrored:1'], { env }));
  assert.match(out, /^1: Pulling from library\/mirrored\n/);
  assert.ok(out.endsWith('Status: Downloaded newer image for mirrored:1\ndocker.io/library/mirrored:1\n'));
  assert.equal(ok(d.wharf(['run', '--rm', 'mirrored:1'])), 'from the mirror\n');
});

test('TLS: a secure registry needs its CA under certs.d; insecure-registries allows plain HTTP', { skip: skip || !tls }, async () => {
  const ref = `${tls!.host}/secure/bb:1`;
  ok(d.wharf(['tag', 'busybox', ref]));
  const untrusted = d.wharf(['push', ref], { env });
  assert.equal(untrusted.code, 1);
  assert.match(untrusted.stderr, /x509: certificate signed by unknown authority/);
  certsDir = join('/etc/wharf/certs.d', tls!.host);
  mkdirSync(certsDir, { recursive: true });
  copyFileSync(tls!.ca!, join(certsDir, 'ca.crt'));
  assert.match(ok(d.wharf(['push', ref], { env })), /1: digest: sha256:/);
  ok(d.wharf(['rmi', ref]));
  assert.match(ok(d.wharf(['pull', ref], { env })), /Status: Downloaded newer image/);
  // A plain-HTTP registry outside 127.0.0.0/8 works because daemon.json lists it.
  const plainRef = `${plain!.host}/open/bb:1`;
  ok(d.wharf(['tag', 'busybox', plainRef]));
  assert.match(ok(d.wharf(['push', plainRef], { env })), /1: digest: sha256:/);
});

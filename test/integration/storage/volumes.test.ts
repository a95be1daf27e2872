// Named volumes against a real wharfd: create/ls/inspect/rm/prune through wharf and the real docker client,
// with dockerd 20.10's bodies, output and error texts (each checked against /var/run/docker.sock).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TestDaemon, dockerClient, ok, skipUnlessRoot } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-volumes');
const noDocker = skipUnlessRoot || (dockerClient() ? false : 'no docker client installed');

before(async () => { if (!skipUnlessRoot) await d.start(); });
after(async () => { if (!skipUnlessRoot) await d.cleanup(); });

test('create, inspect, ls with filters and formats, rm', { skip: skipUnlessRoot }, async () => {
  assert.equal(ok(d.wharf(['volume', 'create', '--label', 'a=b', '--label', 'c', 'vol-one'])), 'vol-one\n');
  const anon = ok(d.wharf(['volume', 'create'])).trim();
  assert.match(anon, /^[0-9a-f]{64}$/);
  const data = join(d.dataRoot, 'volumes', 'vol-one', '_data');
  assert.ok(statSync(data).isDirectory());
  const [v] = JSON.parse(ok(d.wharf(['volume', 'inspect', 'vol-one']))) as Array<Record<string, unknown>>;
  assert.deepEqual(Object.keys(v!), ['CreatedAt', 'Driver', 'Labels', 'Mountpoint', 'Name', 'Options', 'Scope']);
  assert.deepEqual(v!.Labels, { a: 'b', c: '' });
  assert.equal(v!.Mountpoint, data);
  assert.deepEqual(v!.Options, {});
  assert.match(String(v!.CreatedAt), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  // Creating an existing name returns it unchanged.
  assert.equal(ok(d.wharf(['volume', 'create', 'vol-one'])), 'vol-one\n');

  const ls = ok(d.wharf(['volume', 'ls']));
  assert.equal(ls, `DRIVER    VOLUME NAME\nlocal     ${anon}\nlocal     vol-one\n`);
  assert.equal(ok(d.wharf(['volume', 'ls', '-q', '-f', 'label=a=b'])), 'vol-one\n');
  assert.equal(ok(d.wharf(['volume', 'ls', '-q', '-f', 'name=one', '-f', 'dangling=true', '-f', 'driver=local'])), 'vol-one\n');
  assert.equal(ok(d.wharf(['volume', 'ls', '-q', '-f', 'label=zz'])), '');
  assert.equal(ok(d.wharf(['volume', 'ls', '-f', 'name=vol-one', '--format', '{{json .}}'])),
    `{"Driver":"local","Labels":"a=b,c=","Links":"N/A","Mountpoint":"${data}","Name":"vol-one","Scope":"local","Size":"N/A"}\n`);
  assert.equal(ok(d.wharf(['volume', 'inspect', '-f', '{{.Name}} {{.Driver}}', 'vol-one'])), 'vol-one local\n');

  let r = d.wharf(['volume', 'ls', '-f', 'foo=bar']);
  assert.deepEqual([r.code, r.stderr], [1, "Error response from daemon: Invalid filter 'foo'\n"]);
  r = d.wharf(['volume', 'inspect', 'nope']);
  assert.deepEqual([r.code, r.stdout, r.stderr], [1, '[]\n', 'Error: No such volume: nope\n']);

  r = d.wharf(['volume', 'rm', anon, 'nope']);
  assert.deepEqual([r.code, r.stdout, r.stderr], [1, `${anon}\n`, 'Error: No such volume: nope\n']);
  assert.ok(!existsSync(join(d.dataRoot, 'volumes', anon)));
  assert.equal(ok(d.wharf(['volume', 'rm', '-f', 'nope'])), 'nope\n');
});

test('create errors read like dockerd', { skip: skipUnlessRoot }, async () => {
  const cases: Array<[string[], string]> = [
    [['a'], 'create a: volume name is too short, names should be at least two alphanumeric characters'],
    [['a/b'], 'create a/b: "a/b" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path'],
    [['-d', 'foo', 'xx'], 'create xx: error looking up volume plugin foo: plugin "foo" not found'],
    [['-o', 'foo=bar', 'xx'], 'create xx: invalid option: "foo"'],
    [['-o', 'type=tmpfs', 'xx'], 'create xx: missing required option: "device"'],
    [['-o', 'size=10m', 'xx'], 'create xx: quota size requested but no quota support'],
  ];
  for (const [args, msg] of cases) {
    const r = d.wharf(['volume', 'create', ...args]);
    assert.deepEqual([r.code, r.stderr], [1, `Error response from daemon: ${msg}\n`], args.join(' '));
  }
  const r = d.wharf(['volume', 'create', '--name', 'x1', 'x2']);
  assert.deepEqual([r.code, r.stderr], [1, 'Conflicting options: either specify --name or provide positional arg, not both\n']);
});

test('tmpfs and bind volumes keep their options; prune honours label filters', { skip: skipUnlessRoot }, async () => {
  ok(d.wharf(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=10m', '--label', 'p=1', 'vol-tmp']));
  const [v] = JSON.parse(ok(d.wharf(['volume', 'inspect', 'vol-tmp']))) as Array<{ Options: unknown }>;
  assert.deepEqual(v!.Options, { device: 'tmpfs', o: 'size=10m', type: 'tmpfs' });
  assert.ok(existsSync(join(d.dataRoot, 'volumes', 'vol-tmp', 'volume.json')));
  ok(d.wharf(['volume', 'create', 'vol-keep']));
  assert.equal(ok(d.wharf(['volume', 'prune', '-f', '--filter', 'label=p=1'])), 'Deleted Volumes:\nvol-tmp\n\nTotal reclaimed space: 0B\n');
  // A refused prompt still prints the (zero) total, and only a bare y/Y is a yes, as with docker 20.10.
  ok(d.wharf(['volume', 'create', '--label', 'p=1', 'vol-refused']));
  for (const input of ['n\n', ' y\n', 'yes\n']) {
    assert.equal(ok(d.wharf(['volume', 'prune', '--filter', 'label=p=1'], { input })),
      'WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] Total reclaimed space: 0B\n');
  }
  assert.equal(ok(d.wharf(['volume', 'prune', '--filter', 'label=p=1'], { input: 'Y\n' })),
    'WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] Deleted Volumes:\nvol-refused\n\nTotal reclaimed space: 0B\n');
  assert.deepEqual(ok(d.wharf(['volume', 'ls', '-q'])).split('\n').filter(Boolean).includes('vol-keep'), true);
  // Volumes survive a daemon restart (metadata on disk).
  await d.stop();
  await d.start();
  assert.ok(ok(d.wharf(['volume', 'ls', '-q'])).includes('vol-keep\n'));
  assert.ok(readFileSync(join(d.dataRoot, 'volumes', 'vol-keep', 'volume.json'), 'utf8').includes('"Name"'));
});

test('the real docker client drives volumes on wharfd', { skip: noDocker }, async () => {
  assert.equal(ok(d.docker(['volume', 'create', '--label', 'k=v', 'dk-vol'])), 'dk-vol\n');
  assert.match(ok(d.docker(['volume', 'ls', '--filter', 'name=dk-'])), /^DRIVER {4}VOLUME NAME\nlocal {5}dk-vol\n$/);
  const [v] = JSON.parse(ok(d.docker(['volume', 'inspect', 'dk-vol']))) as Array<{ Labels: unknown; Scope: string }>;
  assert.deepEqual([v!.Labels, v!.Scope], [{ k: 'v' }, 'local']);
  // The docker client installed here (v28) prints the daemon's text, as it does against dockerd.
  let r = d.docker(['volume', 'inspect', 'nope']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /(Error: No such volume: nope|Error response from daemon: get nope: no such volume)\n$/);
  assert.equal(ok(d.docker(['volume', 'rm', 'dk-vol'])), 'dk-vol\n');
  r = d.docker(['volume', 'rm', 'dk-vol']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no such volume/i);
});

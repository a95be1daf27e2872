// wharf compose against a real wharfd: converge, recreate on change, logs, exec, stop/start, down, all on the
// project's default network (attached up and build are in compose-build.test.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestDaemon, ok, skipUnlessRoot } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-compose');
const dir = mkdtempSync(join(tmpdir(), 'wharf-compose-proj-'));
const file = join(dir, 'compose.yaml');
const compose = (args: string[], env: NodeJS.ProcessEnv = {}) => d.wharf(['compose', '-f', file, '-p', 'demo', ...args], { env });

function write(greeting: string): void {
  writeFileSync(file, `services:
  db:
    image: bb
    command: sh -c 'echo db ready; exec sleep 300'
    labels: [tier=data]
  web:
    image: bb
    command: ["sh", "-c", "echo web says $$GREETING; exec sleep 300"]
    environment:
      GREETING: \${GREETING:-${greeting}}
    depends_on: [db]
`);
}

before(async () => {
  if (skipUnlessRoot) return;
  await d.start();
  d.importBusybox('bb:latest');
});
after(async () => { if (!skipUnlessRoot) await d.cleanup(); });

test('up -d creates and starts in dependency order; ps lists the project', { skip: skipUnlessRoot }, () => {
  write('hello');
  const up = compose(['up', '-d']);
  assert.equal(up.code, 0, up.stderr);
  assert.equal(up.stdout, '');
  assert.equal(up.stderr, [
    ' Network demo_default  Creating', ' Network demo_default  Created', ' Container demo-db-1  Creating', ' Container demo-db-1  Created', ' Container demo-web-1  Creating', ' Container demo-web-1  Created',
    ' Container demo-db-1  Starting', ' Container demo-db-1  Started', ' Container demo-web-1  Starting', ' Container demo-web-1  Started', '',
  ].join('\n'));
  const ps = ok(compose(['ps', '--format', '{{.Name}} {{.Service}} {{.State}}']));
  assert.equal(ps, 'demo-db-1 db running\ndemo-web-1 web running\n');
  const header = ok(compose(['ps'])).split('\n')[0]!;
  assert.match(header, /^NAME\s+IMAGE\s+COMMAND\s+SERVICE\s+CREATED\s+STATUS\s+PORTS$/);
  // The labels compose puts on containers, seen through the plain container API.
  const labels = JSON.parse(ok(d.wharf(['inspect', '-f', '{{json .Config.Labels}}', 'demo-web-1']))) as Record<string, string>;
  assert.equal(labels['com.docker.compose.project'], 'demo');
  assert.equal(labels['com.docker.compose.service'], 'web');
  assert.equal(labels['com.docker.compose.container-number'], '1');
  assert.equal(labels['com.docker.compose.depends_on'], 'db:service_started:false');
  assert.equal(ok(d.wharf(['inspect', '-f', '{{index .Config.Labels "tier"}}', 'demo-db-1'])), 'data\n');
});

test('logs: prefixed per container; exec runs in the service container', { skip: skipUnlessRoot }, async () => {
  let out = '';
  for (let i = 0; i < 50 && !out.includes('web says hello'); i++) {
    out = ok(compose(['logs']));
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.match(out, /^db-1 {3}\| db ready$/m);
  assert.match(out, /^web-1 {2}\| web says hello$/m);
  assert.equal(ok(compose(['logs', '--no-log-prefix', 'web'])), 'web says hello\n');
  assert.equal(ok(compose(['exec', '-T', 'web', 'sh', '-c', 'echo $GREETING'])), 'hello\n');
  const missing = compose(['exec', '-T', 'nope', 'true']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'no such service: nope\n');
});

test('up again: unchanged services keep running; a changed one is recreated', { skip: skipUnlessRoot }, () => {
  const idBefore = ok(d.wharf(['inspect', '-f', '{{.Id}}', 'demo-db-1']));
  const same = compose(['up', '-d']);
  assert.equal(same.stderr, ' Container demo-db-1  Running\n Container demo-web-1  Running\n');
  const changed = compose(['up', '-d'], { GREETING: 'bonjour' });
  assert.equal(changed.code, 0, changed.stderr);
  assert.match(changed.stderr, / Container demo-web-1 {2}Recreate\n Container demo-web-1 {2}Recreated\n/);
  assert.equal(ok(d.wharf(['inspect', '-f', '{{.Id}}', 'demo-db-1'])), idBefore, 'db untouched');
  assert.equal(ok(compose(['exec', '-T', 'web', 'sh', '-c', 'echo $GREETING'], { GREETING: 'bonjour' })), 'bonjour\n');
});

test('stop, start, and the real docker client sees the project by label', { skip: skipUnlessRoot }, () => {
  const stop = compose(['stop'], { GREETING: 'bonjour' });
  assert.equal(stop.stderr, ' Container demo-web-1  Stopping\n Container demo-web-1  Stopped\n Container demo-db-1  Stopping\n Container demo-db-1  Stopped\n');
  assert.equal(ok(compose(['ps'], { GREETING: 'bonjour' })).split('\n').length, 2, 'only the header');
  ok(compose(['start'], { GREETING: 'bonjour' }));
  const names = ok(d.docker(['ps', '--filter', 'label=com.docker.compose.project=demo', '--format', '{{.Names}}'])).split('\n').filter(Boolean).sort();
  assert.deepEqual(names, ['demo-db-1', 'demo-web-1']);
});

test('down removes the containers; a second down does nothing', { skip: skipUnlessRoot }, () => {
  const down = compose(['down', '-t', '1'], { GREETING: 'bonjour' });
  assert.equal(down.code, 0, down.stderr);
  assert.match(down.stderr, / Container demo-web-1 {2}Removed\n[\s\S]* Container demo-db-1 {2}Removed\n Network demo_default {2}Removing\n Network demo_default {2}Removed\n$/);
  assert.equal(ok(d.wharf(['ps', '-aq', '--filter', 'label=com.docker.compose.project=demo'])), '');
  const again = compose(['down']);
  assert.equal(again.code, 0);
  assert.equal(again.stderr, '');
});

test('errors: a bad file, an unknown service, an unknown verb', { skip: skipUnlessRoot }, () => {
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'services:\n  x:\n    image: bb\n    nope: 1\n');
  const r = d.wharf(['compose', '-f', bad, 'ps']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `validating ${bad}: services.x additional properties 'nope' not allowed\n`);
  const svc = compose(['logs', 'nope']);
  assert.equal(svc.stderr, 'no such service: nope\n');
  const verb = d.wharf(['compose', 'frobnicate']);
  assert.equal(verb.code, 1);
  assert.equal(verb.stderr, 'unknown docker command: "compose frobnicate"\n');
});

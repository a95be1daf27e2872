// wharf compose's attached up (prefixed output, exit codes, --exit-code-from) and build (a service's build
// context built through the daemon), against a real wharfd; split from compose.test.ts to keep each file short.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestDaemon, ok, skipUnlessRoot } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-compose-build');
const dir = mkdtempSync(join(tmpdir(), 'wharf-compose-build-'));

before(async () => {
  if (skipUnlessRoot) return;
  await d.start();
  d.importBusybox('bb:latest');
});
after(async () => { if (!skipUnlessRoot) await d.cleanup(); });

test('attached up streams prefixed output, reports exit codes, --exit-code-from', { skip: skipUnlessRoot }, () => {
  const f2 = join(dir, 'jobs.yaml');
  writeFileSync(f2, `services:
  a:
    image: bb
    command: sh -c 'echo a out; sleep 0.3; echo a end'
  b:
    image: bb
    command: sh -c 'echo b err >&2; exit 3'
`);
  const r = d.wharf(['compose', '-f', f2, '-p', 'jobs', 'up']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'Attaching to a-1, b-1');
  for (const l of ['a-1  | a out', 'a-1  | a end', 'b-1  | b err', 'b-1 exited with code 3', 'a-1 exited with code 0']) assert.ok(lines.includes(l), `${l} in\n${r.stdout}`);
  assert.ok(lines.indexOf('a-1  | a end') < lines.indexOf('a-1 exited with code 0'));
  const code = d.wharf(['compose', '-f', f2, '-p', 'jobs', 'up', '--exit-code-from', 'b']);
  assert.equal(code.code, 3, code.stderr);
  ok(d.wharf(['compose', '-f', f2, '-p', 'jobs', 'down']));
});

test('build: a service with a build context is built, tagged <project>-<service>, and run', { skip: skipUnlessRoot }, () => {
  const proj = mkdtempSync(join(tmpdir(), 'wharf-compose-build-'));
  mkdirSync(join(proj, 'app'));
  writeFileSync(join(proj, 'app', 'Dockerfile'), 'FROM bb\nRUN echo built > /built.txt\nCMD ["cat", "/built.txt"]\n');
  writeFileSync(join(proj, 'compose.yaml'), 'services:\n  api:\n    build: ./app\n');
  const f = join(proj, 'compose.yaml');
  const up = d.wharf(['compose', '-f', f, 'up']);
  assert.equal(up.code, 0, up.stderr);
  const name = proj.split('/').pop()!.toLowerCase();
  assert.match(up.stdout, /Step 1\/3 : FROM bb/);
  assert.match(up.stdout, /^api-1 {2}\| built$/m);
  assert.match(up.stdout, /^api-1 exited with code 0$/m);
  assert.equal(ok(d.wharf(['images', '--format', '{{.Repository}}', `${name}-api`])), `${name}-api\n`);
  // Up again: the image exists, so no rebuild; --build forces one (from the cache).
  assert.doesNotMatch(ok(d.wharf(['compose', '-f', f, 'up', '-d'])), /Step 1/);
  assert.match(ok(d.wharf(['compose', '-f', f, 'build'])), /Using cache/);
  ok(d.wharf(['compose', '-f', f, 'down', '--rmi', 'local']));
  assert.equal(ok(d.wharf(['images', '-q', `${name}-api`])), '');
});

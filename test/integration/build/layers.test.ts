// How the builder writes layers and uses its cache, against a real wharfd: COPY writes straight into the
// step's layer with overlayfs' merge rules (through symlinks in the image, into directories of lower
// layers, a directory replacing a file), RUN and COPY heredocs run end to end, a fully cached rebuild
// creates no container and no layer, and COPY's history carries dockerd 20.10's exact checksums.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestDaemon, ok, skipUnlessRoot, writeTree } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-build-layers');
const work = mkdtempSync(join(tmpdir(), 'wharf-build-layers-'));

const ctx = (name: string, files: Record<string, string>): string => writeTree(work, name, files);

before(async () => {
  if (skipUnlessRoot) return;
  await d.start();
  d.importBusybox('bb:latest', []);
});
after(async () => {
  if (!skipUnlessRoot) await d.cleanup();
  rmSync(work, { recursive: true, force: true });
});

const MERGE = [
  'FROM bb',
  'ENV V=world',
  'RUN mkdir -p /d/keep /d/sub && echo old > /d/f && echo lower > /d/sub/x && ln -s /d /link && echo file > /d/wasfile && echo gone > /d/sub/y',
  'COPY f /link/f',
  'COPY dir/ /d/',
  'COPY <<EOF /d/heredoc.txt',
  'hello $V',
  'EOF',
  'RUN <<EOF',
  'cat /d/f /d/sub/x /d/sub/y /d/heredoc.txt /d/wasfile/inner',
  'test -d /d/keep && test -L /link && echo keep',
  'EOF',
  'RUN cat <<EOT > /t.txt',
  'from a shell heredoc',
  'EOT',
  '',
].join('\n');

test('COPY merges into lower layers like overlayfs; RUN and COPY heredocs work', { skip: skipUnlessRoot }, () => {
  const dir = ctx('merge', { Dockerfile: MERGE, f: 'new-f\n', 'dir/sub/y': 'new-y\n', 'dir/wasfile/inner': 'inner\n' });
  const out = ok(d.wharf(['build', '--progress=plain', '-t', 'merge:1', dir], { timeout: 240_000 }));
  assert.match(out, /new-f\nlower\nnew-y\nhello world\ninner\nkeep\n/);
  assert.equal(ok(d.wharf(['run', '--rm', 'merge:1', 'cat', '/t.txt', '/link/sub/x'])), 'from a shell heredoc\nlower\n');
  const hist = ok(d.wharf(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'merge:1'])).split('\n');
  assert.ok(hist.some((l) => /^\/bin\/sh -c #\(nop\) COPY file:[0-9a-f]{64} in \/link\/f $/.test(l)), hist.join('\n'));
  assert.ok(hist.some((l) => /^\/bin\/sh -c #\(nop\) COPY dir:[0-9a-f]{64} in \/d\/ $/.test(l)), hist.join('\n'));
});

test('a fully cached rebuild creates no container and no layer; COPY history matches dockerd\'s checksums', { skip: skipUnlessRoot }, () => {
  const files = { Dockerfile: 'FROM bb\nCOPY src/ /app/src/\nRUN ls /app/src > /list\nCOPY one.txt /app/\n', 'src/a': 'a\n', 'src/b/c': 'c\n', 'one.txt': '1\n' };
  const dir = ctx('cached', files);
  ok(d.wharf(['build', '-t', 'cached:1', dir], { timeout: 240_000 }));
  const layers = readdirSync(join(d.dataRoot, 'snapshots', 'layers')).sort();
  const since = (Date.now() / 1000).toFixed(9);
  const again = ok(d.wharf(['build', '-t', 'cached:1', dir], { timeout: 240_000 }));
  assert.equal((again.match(/Using cache/g) ?? []).length, 3);
  assert.deepEqual(readdirSync(join(d.dataRoot, 'snapshots', 'layers')).sort(), layers);
  assert.deepEqual(readdirSync(join(d.dataRoot, 'snapshots', 'active')), []);
  const events = ok(d.wharf(['events', '--since', since, '--until', String(Math.floor(Date.now() / 1000) + 1), '--format', '{{.Type}} {{.Action}}']));
  assert.doesNotMatch(events, /^container /m);
  const mine = ok(d.wharf(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'cached:1'])).split('\n').filter((l) => l.includes('COPY'));
  assert.equal(mine.length, 2);
  // docker 20.10's client sends the same context tar headers as wharf's: its build is all cache hits.
  const docker20 = '/usr/bin/docker';
  if (!existsSync(docker20) || !spawnSync(docker20, ['--version']).stdout.toString().includes(' 20.')) return;
  const env = { ...process.env, DOCKER_BUILDKIT: '0', DOCKER_CONFIG: join(d.dir, 'docker-config') };
  const viaDocker = spawnSync(docker20, ['-H', d.host, 'build', dir], { env });
  assert.equal(viaDocker.status, 0, viaDocker.stderr.toString());
  assert.equal((viaDocker.stdout.toString().match(/Using cache/g) ?? []).length, 3);
  // And the real dockerd prints the same checksums for the same context.
  if (!existsSync('/var/run/docker.sock')) return;
  const real = (a: string[]) => spawnSync(docker20, ['-H', 'unix:///var/run/docker.sock', ...a], { env });
  if (real(['image', 'inspect', 'lead-bb']).status !== 0) return;
  const rdir = ctx('cached-real', { ...files, Dockerfile: files.Dockerfile.replace('FROM bb', 'FROM lead-bb') });
  const tag = `wharf-build-layers-${process.pid}`;
  try {
    const b = real(['build', '-t', tag, rdir]);
    assert.equal(b.status, 0, b.stderr.toString());
    const theirs = real(['history', '--no-trunc', '--format', '{{.CreatedBy}}', tag]).stdout.toString().split('\n').filter((l) => l.includes('COPY'));
    assert.deepEqual(mine, theirs);
  } finally {
    real(['rmi', tag]);
  }
});

test('independent stages build at the same time, output stays in order, unneeded stages are skipped', { skip: skipUnlessRoot }, () => {
  const span = (n: string) => `RUN cut -d' ' -f1 /proc/uptime > /${n}.s && sleep 3 && cut -d' ' -f1 /proc/uptime > /${n}.e`;
  const dir = ctx('stages', {
    Dockerfile: ['FROM bb AS a', span('a'), 'FROM bb AS unused', 'RUN exit 7', 'FROM bb AS b', span('b'), 'FROM bb',
      'COPY --from=a /a.s /a.e /t/', 'COPY --from=b /b.s /b.e /t/', 'RUN cat /t/a.s /t/a.e /t/b.s /t/b.e', ''].join('\n'),
  });
  const out = ok(d.wharf(['build', '--no-cache', dir], { timeout: 240_000 }));
  const steps = [...out.matchAll(/^Step (\d+)\/(\d+) : (.*)$/gm)].map((m) => `${m[1]}/${m[2]} ${m[3]}`);
  assert.deepEqual(steps.map((s) => s.split(' ')[0]), ['1/8', '2/8', '3/8', '4/8', '5/8', '6/8', '7/8', '8/8']);
  assert.equal(steps[2], '3/8 FROM bb AS b');
  assert.doesNotMatch(out, /exit 7/);
  const [as, ae, bs, be] = out.slice(out.indexOf('RUN cat /t/a.s')).split('\n').filter((l) => /^\d+\.\d+$/.test(l)).map(Number);
  assert.ok(as! < be! && bs! < ae!, `stage runs did not overlap: a ${as}-${ae}, b ${bs}-${be}`);
});

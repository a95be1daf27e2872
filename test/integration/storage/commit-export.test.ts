// docker diff, commit and export against a real wharfd, compared with what dockerd prints for the same steps.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { TestDaemon, dockerClient, ok, repoRoot, skipUnlessRoot } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-commit');

before(async () => {
  if (skipUnlessRoot) return;
  await d.start();
  d.importBusybox('bb:latest');
  ok(d.wharf(['run', '--name', 'ce', 'bb', 'sh', '-c', 'mkdir /data && echo hi > /data/f && rm /bin/ls && echo x >> /etc/passwd']));
});
after(async () => { if (!skipUnlessRoot) await d.cleanup(); });

test('diff lists changed, added and deleted paths like dockerd', { skip: skipUnlessRoot }, () => {
  const lines = ok(d.wharf(['diff', 'ce'])).split('\n').filter(Boolean);
  for (const l of ['A /data', 'A /data/f', 'C /bin', 'D /bin/ls', 'C /etc', 'C /etc/passwd']) assert.ok(lines.includes(l), `${l} in ${lines.join(', ')}`);
  const missing = d.wharf(['diff', 'nope']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'Error response from daemon: No such container: nope\n');
});

test('commit makes an image with the changes, -c/-m/-a applied; bad references are refused', { skip: skipUnlessRoot }, () => {
  const id = ok(d.wharf(['commit', '-m', 'msg', '-a', 'me', '-c', 'ENV A=1', '-c', 'CMD ["cat", "/data/f"]', 'ce', 'committed:v1'])).trim();
  assert.match(id, /^sha256:[0-9a-f]{64}$/);
  assert.equal(ok(d.wharf(['run', '--rm', 'committed:v1'])), 'hi\n');
  assert.match(ok(d.wharf(['inspect', '-f', '{{.Comment}}|{{.Author}}|{{.Config.Env}}', 'committed:v1'])), /^msg\|me\|\[.*\bA=1\]\n$/);
  assert.equal(d.wharf(['run', '--rm', 'committed:v1', 'ls']).code, 127, '/bin/ls stays deleted');
  const bad = d.wharf(['commit', 'ce', 'Bad:Tag']);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, 'invalid reference format: repository name must be lowercase\n');
  // An untagged commit is a dangling image.
  const anon = ok(d.wharf(['commit', 'ce'])).trim();
  assert.equal(ok(d.wharf(['images', '-q', '--no-trunc', '--filter', 'dangling=true'])).includes(anon), true);
});

test('export: the container filesystem as a tar, entries without ./, to stdout or -o', { skip: skipUnlessRoot }, () => {
  // Binary on stdout: piped straight into tar, never through a string.
  const list = spawnSync('sh', ['-c', `node ${repoRoot}/dist/bin/wharf.js export ce | tar -t`], { env: { ...process.env, WHARF_HOST: d.host } });
  assert.equal(list.status, 0, list.stderr.toString());
  const names = list.stdout.toString().split('\n');
  assert.ok(names.includes('data/f'), names.slice(0, 10).join(','));
  assert.ok(names.includes('bin/sh'));
  assert.ok(!names.includes('bin/ls'));
  assert.ok(!names.some((n) => n.startsWith('./')));
  const out = `${d.dir}/ce.tar`;
  ok(d.wharf(['export', '-o', out, 'ce']));
  assert.match(spawnSync('tar', ['-xOf', out, 'data/f']).stdout.toString(), /^hi\n$/);
});

test('the real docker client diffs, commits and exports through wharfd', { skip: skipUnlessRoot || !dockerClient() }, () => {
  assert.ok(ok(d.docker(['diff', 'ce'])).includes('A /data/f'));
  const id = ok(d.docker(['commit', 'ce', 'viadocker:1'])).trim();
  assert.match(id, /^sha256:/);
  const out = `${d.dir}/ce-docker.tar`;
  ok(d.docker(['export', '-o', out, 'ce']));
  assert.match(spawnSync('tar', ['-xOf', out, 'data/f']).stdout.toString(), /^hi\n$/);
});

test('export leaves out what volumes, binds and tmpfs hold, running or stopped, as dockerd does', { skip: skipUnlessRoot }, () => {
  const bind = spawnSync('mktemp', ['-d']).stdout.toString().trim();
  spawnSync('sh', ['-c', `echo host > ${bind}/hostfile`]);
  try {
    ok(d.wharf(['run', '-d', '--name', 'ce-vol', '-v', '/anon', '-v', 'ce-named:/named', '-v', `${bind}:/etc/bound`, '--tmpfs', '/tm', 'bb', 'sh', '-c',
      'echo a > /anon/inside; echo n > /named/inside; echo t > /tm/inside; echo r > /rootfile; sleep 60']));
    ok(d.wharf(['exec', 'ce-vol', 'sh', '-c', 'test -f /anon/inside && test -f /etc/bound/hostfile']));
    const listing = (): string[] => {
      const r = spawnSync('sh', ['-c', `node ${repoRoot}/dist/bin/wharf.js export ce-vol | tar -t`], { env: { ...process.env, WHARF_HOST: d.host } });
      return r.stdout.toString().split('\n').filter((l) => /^((anon|named|etc\/bound|tm)\/.*|rootfile)$/.test(l)).sort();
    };
    // dockerd 20.10 prints exactly these for the same container: the mount points as empty directories.
    const want = ['anon/', 'etc/bound/', 'named/', 'rootfile', 'tm/'];
    assert.deepEqual(listing(), want);
    ok(d.wharf(['stop', '-t', '0', 'ce-vol']));
    assert.deepEqual(listing(), want);
  } finally {
    d.wharf(['rm', '-fv', 'ce-vol']);
    d.wharf(['volume', 'rm', 'ce-named']);
    spawnSync('rm', ['-rf', bind]);
  }
});

// The Dockerfile builder against a real wharfd: images built by `wharf build` and by the real docker client
// (classic builder), their configs and history compared with dockerd's for the same Dockerfile, the step
// cache (hits, invalidation by content, --no-cache, across a daemon restart), multi-stage and --target,
// .dockerignore, and bad input (parse errors, missing sources, failing RUN).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestDaemon, dockerClient, ok, skipUnlessRoot, writeTree } from '../../helpers/daemon.js';

process.env.DOCKER_BUILDKIT = '0';
const d = new TestDaemon('wharf-build');
const work = mkdtempSync(join(tmpdir(), 'wharf-build-ctx-'));

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

const FULL = `FROM bb
LABEL a=b
ENV X=1 Y="two words"
ARG FOO=bar
RUN echo hi $FOO > /hi.txt
WORKDIR /app
COPY f.txt .
EXPOSE 80/tcp 53/udp 3000
USER 1000
VOLUME /data
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=5s --retries=3 CMD true
ONBUILD RUN echo trig
ENTRYPOINT ["/bin/sh", "-c"]
CMD ["sh"]
`;

function inspect(run: (a: string[]) => { stdout: string; code: number; stderr: string }, ref: string): Record<string, unknown> {
  const r = run(['image', 'inspect', ref]);
  assert.equal(r.code, 0, r.stderr);
  const img = JSON.parse(r.stdout)[0];
  const clean = (c: Record<string, unknown>) => { const o = { ...c }; delete o.Hostname; delete o.Image; return o; };
  return { Config: clean(img.Config), ContainerConfig: clean(img.ContainerConfig), Author: img.Author, layers: img.RootFS.Layers.length };
}

function history(run: (a: string[]) => { stdout: string }, ref: string): string[] {
  return run(['history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Size}}', ref]).stdout.trim().split('\n')
    .map((l) => l.replace(/(file|dir|multi):[0-9a-f]{64}/, '$1:<hash>'));
}

test('the image config and history match dockerd\'s classic builder for the same Dockerfile', { skip: skipUnlessRoot }, () => {
  const dir = ctx('full', { Dockerfile: FULL, 'f.txt': 'hello\n' });
  const out = ok(d.wharf(['build', '-t', 'full:1', '--build-arg', 'UNUSED=1', dir]));
  assert.match(out, /^Sending build context to Docker daemon {2}\S+\r\r\nStep 1\/15 : FROM bb\n ---> [0-9a-f]{12}\nStep 2\/15 : LABEL a=b\n ---> Running in [0-9a-f]{12}\nRemoving intermediate container [0-9a-f]{12}\n/);
  assert.match(out, /\[Warning\] One or more build-args \[UNUSED\] were not consumed\nSuccessfully built [0-9a-f]{12}\nSuccessfully tagged full:1\n$/);
  const mine = inspect((a) => d.wharf(a), 'full:1');
  assert.deepEqual((mine.Config as Record<string, unknown>).Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'X=1', 'Y=two words']);
  assert.deepEqual((mine.ContainerConfig as Record<string, unknown>).Cmd, ['/bin/sh', '-c', '#(nop) ', 'CMD ["sh"]']);
  const hist = history((a) => d.wharf(a), 'full:1');
  assert.deepEqual(hist.slice(0, 3), ['/bin/sh -c #(nop)  CMD ["sh"]|0B', '/bin/sh -c #(nop)  ENTRYPOINT ["/bin/sh" "-c"]|0B', '/bin/sh -c #(nop)  ONBUILD RUN echo trig|0B']);
  assert.ok(hist.includes('/bin/sh -c #(nop)  HEALTHCHECK &{["CMD-SHELL" "true"] "5s" "0s" "0s" \'\\x03\'}|0B'), hist.join('\n'));
  assert.ok(hist.includes('|1 FOO=bar /bin/sh -c echo hi $FOO > /hi.txt|7B'), hist.join('\n'));
  assert.ok(hist.includes('/bin/sh -c #(nop) COPY file:<hash> in . |6B'), hist.join('\n'));
  assert.ok(hist.includes('/bin/sh -c #(nop)  EXPOSE 3000 53/udp 80/tcp|0B'), hist.join('\n')); // as written, sorted
  // The RUN really ran and the COPY really copied.
  assert.equal(ok(d.wharf(['run', '--rm', '--entrypoint', 'cat', 'full:1', '/hi.txt', '/app/f.txt'])), 'hi bar\nhello\n');
  // Side by side with the real dockerd, when it is here (its busybox is lead-bb).
  const docker = dockerClient();
  if (!docker || !existsSync('/var/run/docker.sock')) return;
  const real = (a: string[]) => {
    const r = spawnSync(docker, ['-H', 'unix:///var/run/docker.sock', ...a], { env: { ...process.env, DOCKER_BUILDKIT: '0' } });
    return { stdout: r.stdout.toString(), stderr: r.stderr.toString(), code: r.status ?? -1 };
  };
  if (real(['image', 'inspect', 'lead-bb']).code !== 0) return;
  const rdir = ctx('full-real', { Dockerfile: FULL.replace('FROM bb', 'FROM lead-bb'), 'f.txt': 'hello\n' });
  const tag = `wharf-build-test-${process.pid}`;
  try {
    const b = real(['build', '-t', tag, rdir]);
    assert.equal(b.code, 0, b.stderr);
    assert.deepEqual(mine, inspect(real, tag));
    assert.deepEqual(hist.slice(0, -1), history(real, tag).slice(0, -1));
  } finally {
    real(['rmi', tag]);
  }
});

test('an unchanged rebuild is all cache hits, also after a daemon restart; a changed file rebuilds from its COPY', { skip: skipUnlessRoot }, async () => {
  const dir = ctx('cache', { Dockerfile: 'FROM bb\nRUN echo one > /one\nCOPY a.txt /a.txt\nRUN cat /a.txt > /b\nCMD ["cat", "/b"]\n', 'a.txt': 'v1\n' });
  const first = ok(d.wharf(['build', '-t', 'cache:1', dir]));
  assert.doesNotMatch(first, /Using cache/);
  const id1 = ok(d.wharf(['image', 'inspect', '-f', '{{.Id}}', 'cache:1']));
  await d.stop();
  await d.start();
  const second = ok(d.wharf(['build', '-t', 'cache:2', dir]));
  assert.equal(second.match(/ ---> Using cache\n/g)?.length, 4, second);
  assert.equal(ok(d.wharf(['image', 'inspect', '-f', '{{.Id}}', 'cache:2'])), id1);
  writeFileSync(join(dir, 'a.txt'), 'v2\n');
  const third = ok(d.wharf(['build', '-t', 'cache:3', dir]));
  assert.equal(third.match(/ ---> Using cache\n/g)?.length, 1, third);
  assert.equal(ok(d.wharf(['run', '--rm', 'cache:3'])), 'v2\n');
  const fourth = ok(d.wharf(['build', '--no-cache', '-q', dir]));
  assert.match(fourth, /^sha256:[0-9a-f]{64}\n$/);
  assert.notEqual(fourth.trim(), ok(d.wharf(['image', 'inspect', '-f', '{{.Id}}', 'cache:3'])).trim());
});

test('multi-stage with --target builds only the stages the target needs; COPY --from copies between them', { skip: skipUnlessRoot }, () => {
  const dir = ctx('multi', {
    Dockerfile: 'FROM bb AS base\nRUN echo base > /base\nFROM bb AS unused\nRUN echo unused > /unused\nFROM base AS app\nCOPY --from=0 /base /copied\nRUN cat /copied\nFROM app AS last\nRUN echo last\n',
  });
  const out = ok(d.wharf(['build', '--target', 'app', '-t', 'multi:app', dir]));
  assert.doesNotMatch(out, /unused|last/);
  assert.match(out, /Step 1\/5 : FROM bb AS base/);
  assert.equal(ok(d.wharf(['run', '--rm', 'multi:app', 'cat', '/copied'])), 'base\n');
  const bad = d.wharf(['build', '--target', 'nope', dir]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /failed to reach build target nope in Dockerfile/);
});

test('.dockerignore excludes files with Docker\'s rules; -f outside the context and -f - work', { skip: skipUnlessRoot }, () => {
  const dir = ctx('ignore', {
    Dockerfile: 'FROM bb\nCOPY . /ctx/\nRUN cd /ctx && find . -type f | sort\n',
    '.dockerignore': '**/*.log\n!keep.log\nsecret\n/build\n',
    'a.txt': 'a', 'x.log': 'x', 'keep.log': 'k', 'sub/y.log': 'y', 'secret/s': 's', 'build/b': 'b', 'sub/build/c': 'c',
  });
  const out = ok(d.wharf(['build', dir]));
  assert.match(out, /\.\/\.dockerignore\n\.\/Dockerfile\n\.\/a\.txt\n\.\/keep\.log\n\.\/sub\/build\/c\n/);
  const outside = join(work, 'Dockerfile.outside');
  writeFileSync(outside, 'FROM bb\nCOPY a.txt /\nRUN cat /a.txt\n');
  assert.match(ok(d.wharf(['build', '-f', outside, dir])), /Step 3\/3 : RUN cat \/a\.txt\n ---> (Running in [0-9a-f]{12}\na|Using cache)/);
  const stdin = ok(d.wharf(['build', '-f', '-', '-t', 'fromstdin', dir], { input: 'FROM bb\nLABEL from=stdin\n' }));
  assert.match(stdin, /Successfully tagged fromstdin:latest/);
  const missing = d.wharf(['build', '-f', '-', dir], { input: 'FROM bb\nCOPY secret/s /\n' });
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'COPY failed: file not found in build context or excluded by .dockerignore: stat secret/s: file does not exist\n');
});

test('bad input: parse errors name the line, a failing RUN returns its code and tags nothing', { skip: skipUnlessRoot }, () => {
  const parse = ctx('parse', { Dockerfile: 'FROM bb\nRUN true\nFOO bar\n' });
  const p = d.wharf(['build', parse]);
  assert.equal(p.code, 1);
  assert.equal(p.stderr, 'Error response from daemon: dockerfile parse error line 3: unknown instruction: FOO\n');
  const fail = ctx('fail', { Dockerfile: 'FROM bb\nRUN echo out; exit 3\n' });
  const f = d.wharf(['build', '-t', 'fail:1', fail]);
  assert.equal(f.code, 3);
  assert.match(f.stdout, / ---> Running in [0-9a-f]{12}\nout\n$/);
  assert.equal(f.stderr, 'The command \'/bin/sh -c echo out; exit 3\' returned a non-zero code: 3\n');
  assert.notEqual(d.wharf(['image', 'inspect', 'fail:1']).code, 0);
});

test('the real docker client (classic builder) builds against wharfd and prints what wharf build prints', { skip: skipUnlessRoot || !dockerClient() }, () => {
  const dir = ctx('docker', { Dockerfile: 'FROM bb\nARG V=1\nRUN echo v=$V\nCOPY f /f\n', f: 'data' });
  const first = d.docker(['build', '-t', 'dk:1', '--build-arg', 'V=2', dir]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /Step 3\/4 : RUN echo v=\$V\n ---> Running in [0-9a-f]{12}\nv=2\nRemoving intermediate container [0-9a-f]{12}\n/);
  // Fully cached, both clients print the same bytes (but for IDs: a newer docker client drops Go 1.8's
  // file-type bits from the context's tar modes, so dockerd, and wharfd, checksum its COPY sources apart).
  ok(d.wharf(['build', '-t', 'dk:2', '--build-arg', 'V=2', dir]));
  const w = ok(d.wharf(['build', '-t', 'dk:2', '--build-arg', 'V=2', dir]));
  const r = d.docker(['build', '-t', 'dk:2', '--build-arg', 'V=2', dir]);
  assert.equal(r.code, 0, r.stderr);
  const ids = (s: string) => s.replace(/[0-9a-f]{12}/g, 'ID');
  assert.equal(ids(r.stdout), ids(w));
  assert.equal((r.stdout.match(/Using cache/g) ?? []).length, 3);
  const iid = join(work, 'iid');
  ok(d.wharf(['build', '--iidfile', iid, dir]));
  assert.match(readFileSync(iid, 'utf8'), /^sha256:[0-9a-f]{64}$/);
});

test('--add-host reaches the hosts file of RUN steps, through wharf build and the docker client', { skip: skipUnlessRoot }, () => {
  const dir = ctx('addhost', { Dockerfile: 'FROM bb\nRUN grep -E "extra\\.test|other\\.test" /etc/hosts > /hosts-seen\n' });
  ok(d.wharf(['build', '--no-cache', '-t', 'ah:1', '--add-host', 'extra.test:10.9.8.7', '--add-host', 'other.test:10.9.8.6', dir]));
  assert.equal(ok(d.wharf(['run', '--rm', 'ah:1', 'cat', '/hosts-seen'])), '10.9.8.7\textra.test\n10.9.8.6\tother.test\n');
  if (!dockerClient()) return;
  const r = d.docker(['build', '--no-cache', '-t', 'ah:2', '--add-host', 'extra.test:10.9.8.5', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(ok(d.wharf(['run', '--rm', 'ah:2', 'cat', '/hosts-seen'])), '10.9.8.5\textra.test\n');
});

test('--cache-from: only the named images and their ancestors serve as cache; an unknown name leaves none', { skip: skipUnlessRoot }, () => {
  const dir = ctx('cachefrom', { Dockerfile: 'FROM bb\nENV FOO=cf\nRUN touch /baz\nRUN touch /bax\n' });
  ok(d.wharf(['build', '-t', 'cf:1', dir]));
  const hits = (out: string) => (out.match(/Using cache/g) ?? []).length;
  assert.equal(hits(ok(d.wharf(['build', '-t', 'cf:2', '--cache-from', 'cf:1', dir]))), 3);
  assert.equal(hits(ok(d.wharf(['build', '-t', 'cf:3', '--cache-from', 'nosuchtag', dir]))), 0);
  assert.equal(hits(ok(d.wharf(['build', '-t', 'cf:4', dir]))), 3, 'without --cache-from every local image serves');
  if (!dockerClient()) return;
  const r = d.docker(['build', '-t', 'cf:5', '--cache-from', 'nosuchtag', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(hits(r.stdout), 0);
});

test('rmi of a built image prunes its untagged intermediate parents like dockerd; --no-prune keeps them', { skip: skipUnlessRoot }, () => {
  const dir = ctx('rmiprune', { Dockerfile: 'FROM bb\nRUN echo a > /rmi-a\nRUN echo b > /rmi-b\n' });
  const all = () => ok(d.wharf(['images', '-a', '-q', '--no-trunc'])).split('\n').filter(Boolean);
  const before = all();
  ok(d.wharf(['build', '--no-cache', '-t', 'rp:1', dir]));
  assert.equal(all().length, before.length + 2, 'the image and one intermediate parent');
  // history names each step's local image (the intermediate parents), as dockerd's does.
  const parent = ok(d.wharf(['inspect', '-f', '{{.Parent}}', 'rp:1'])).trim();
  const hist = ok(d.docker(['history', '-q', '--no-trunc', 'rp:1'])).split('\n').filter(Boolean);
  assert.deepEqual(hist.slice(0, 2), [ok(d.wharf(['inspect', '-f', '{{.Id}}', 'rp:1'])).trim(), parent]);
  assert.equal(hist[2], ok(d.wharf(['inspect', '-f', '{{.Id}}', 'bb'])).trim());
  const out = ok(d.docker(['rmi', 'rp:1']));
  // The image, its layer, the parent, the parent's layer (dockerd's records in its order).
  assert.match(out, /^Untagged: rp:1\n(Deleted: sha256:[0-9a-f]{64}\n){4}$/);
  assert.deepEqual(all().sort(), [...before].sort());
  ok(d.wharf(['build', '--no-cache', '-t', 'rp:2', dir]));
  const kept = ok(d.wharf(['rmi', '--no-prune', 'rp:2']));
  assert.match(kept, /^Untagged: rp:2\n(Deleted: sha256:[0-9a-f]{64}\n){2}$/);
  assert.equal(all().length, before.length + 1, 'the parent stays with --no-prune');
});

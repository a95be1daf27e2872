// What a user sees for the common mistakes, byte for byte as docker 20.10 (client and daemon) prints it:
// missing containers and images, bad filters, bad -p values, and the binary's own name when the CLI is
// started as `docker`. Each expected text was recorded from the real docker 20.10 client against dockerd.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, symlinkSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestDaemon, ok, skipUnlessRoot, wharfBin, type RunResult } from '../../helpers/daemon.js';

describe('CLI messages for common mistakes', { skip: skipUnlessRoot }, () => {
  const d = new TestDaemon('wharf-msgs');
  let linkDir = '';
  before(async () => {
    await d.start();
    d.importBusybox('busybox:latest');
    linkDir = mkdtempSync(join(tmpdir(), 'wharf-docker-name-'));
    symlinkSync(wharfBin, join(linkDir, 'docker'));
  });
  after(async () => { await d.cleanup(); rmSync(linkDir, { recursive: true, force: true }); });

  /** The wharf CLI started through a symlink named `docker`. */
  const asDocker = (args: string[]): RunResult => {
    const r = spawnSync(join(linkDir, 'docker'), ['-H', d.host, ...args], { timeout: 60_000 });
    return { stdout: r.stdout.toString(), stderr: r.stderr.toString(), code: r.status ?? -1 };
  };
  const err = (r: RunResult, text: string, code = 1) => { assert.equal(r.stderr, text); assert.equal(r.code, code); };

  it('says "docker" where docker does when started as docker, "wharf" otherwise', () => {
    const r = asDocker(['run']);
    err(r, '"docker run" requires at least 1 argument.\nSee \'docker run --help\'.\n\nUsage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun a command in a new container\n');
    assert.match(d.wharf(['run']).stderr, /^"wharf run" requires at least 1 argument\./);
    err(asDocker(['run', '-p', '99999:80', 'busybox']), 'docker: Invalid hostPort: 99999.\nSee \'docker run --help\'.\n', 125);
    err(asDocker(['run', '-p', 'abc', 'busybox']), 'docker: Invalid containerPort: abc.\nSee \'docker run --help\'.\n', 125);
  });

  it('exec and logs inspect first: the client\'s "Error: No such container"', () => {
    err(d.wharf(['exec', 'nosuch', 'true']), 'Error: No such container: nosuch\n');
    err(d.wharf(['exec', '-it', 'nosuch', 'sh']), 'Error: No such container: nosuch\n');
    err(d.wharf(['logs', '-f', 'nosuch']), 'Error: No such container: nosuch\n');
  });

  it('cp into a missing container', () => {
    err(d.wharf(['cp', '/etc/hostname', 'nosuch:/tmp']), 'Error: No such container:path: nosuch:/\n');
    err(d.wharf(['cp', 'nosuch:/etc/hostname', '/tmp/x']), 'Error: No such container:path: nosuch:/etc/hostname\n');
  });

  it('cp: the 20.10 client\'s archive errors, without an "Error: " prefix', () => {
    ok(d.wharf(['run', '-d', '--name', 'msg-cp', 'busybox', 'sleep', '60']));
    ok(d.wharf(['exec', 'msg-cp', 'mkdir', '-p', '/d/e']));
    const dir = mkdtempSync(join(tmpdir(), 'wharf-msgs-cp-'));
    try {
      writeFileSync(join(dir, 'f'), 'x');
      err(d.wharf(['cp', 'msg-cp:/d', join(dir, 'f')]), 'cannot copy directory\n');
      err(d.wharf(['cp', 'msg-cp:/etc/hostname', join(dir, 'nodir') + '/']), 'no such directory\n');
      err(d.wharf(['cp', join(dir, 'f'), 'msg-cp:/nonexist/dir/']), 'no such directory\n');
      err(d.wharf(['cp', join(dir, 'f'), 'msg-cp:/etc/hostname/']), 'no such directory\n');
      err(d.wharf(['cp', dir, 'msg-cp:/etc/hostname']), 'cannot copy directory\n');
      err(d.wharf(['cp', join(dir, 'nope'), 'msg-cp:/tmp/']), `lstat ${join(dir, 'nope')}: no such file or directory\n`);
      err(d.wharf(['cp', '-', 'msg-cp:/etc/hostname'], { input: '' }), 'destination "msg-cp:/etc/hostname" must be a directory\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('kill, save, load and push name what is missing as dockerd does', () => {
    err(d.wharf(['kill', 'nosuch']), 'Error response from daemon: Cannot kill container: nosuch: No such container: nosuch\n');
    err(d.docker(['kill', 'nosuch']), 'Error response from daemon: Cannot kill container: nosuch: No such container: nosuch\n');
    err(d.wharf(['save', 'nosuch']), 'Error response from daemon: No such image: nosuch\n');
    err(d.docker(['save', 'nosuch:1']), 'Error response from daemon: reference does not exist\n');
    err(d.wharf(['load', '-i', '/nonexistent/x.tar']), 'open /nonexistent/x.tar: no such file or directory\n');
    const push = d.wharf(['push', 'nosuch']);
    assert.equal(push.stdout, 'Using default tag: latest\nThe push refers to repository [docker.io/library/nosuch]\n');
    err(push, 'An image does not exist locally with the tag: nosuch\n');
  });

  it('filters: dockerd 20.10\'s texts, and prune validates its keys', () => {
    err(d.wharf(['images', '--filter', 'bad=1']), 'Error response from daemon: Invalid filter \'bad\'\n');
    err(d.wharf(['images', '--filter', 'dangling=foo']), 'Error response from daemon: Invalid filter \'dangling=[foo]\'\n');
    err(d.wharf(['ps', '--filter', 'bad=1']), 'Error response from daemon: Invalid filter \'bad\'\n');
    err(d.wharf(['ps', '--filter', 'status=foo']), 'Error response from daemon: Invalid filter \'status=foo\'\n');
    err(d.wharf(['ps', '--filter', 'is-task=foo']), 'Error response from daemon: Invalid filter \'is-task=[foo]\'\n');
    err(d.wharf(['ps', '--filter', 'exited=abc']), 'Error response from daemon: strconv.Atoi: parsing "abc": invalid syntax\n');
    err(d.wharf(['ps', '--filter', 'before=nosuch']), 'Error response from daemon: no such container nosuch\n');
    err(d.wharf(['image', 'prune', '-f', '--filter', 'until=abc']), 'Error response from daemon: failed to parse value as time or duration: "abc"\n');
    err(d.wharf(['image', 'prune', '-f', '--filter', 'bad=1']), 'Error response from daemon: Invalid filter \'bad\'\n');
    err(d.wharf(['container', 'prune', '-f', '--filter', 'bad=1']), 'Error response from daemon: Invalid filter \'bad\'\n');
    err(d.wharf(['container', 'prune', '-f', '--filter', 'until=abc']), 'Error response from daemon: failed to parse value as time or duration: "abc"\n');
  });

  it('run: -e NAME unset in the client\'s environment unsets it; --cpus beyond the host\'s CPUs', () => {
    const env = ok(d.wharf(['run', '--rm', '-e', 'WHARF_SURELY_UNSET', '-e', 'HOSTNAME', '-e', 'A=1', 'busybox', 'env'])).split('\n');
    assert.ok(!env.some((l) => l.startsWith('WHARF_SURELY_UNSET') || l.startsWith('HOSTNAME=')), env.join('\n'));
    assert.ok(env.includes('A=1'));
    const r = d.wharf(['run', '--rm', '--cpus', '999', 'busybox', 'true']);
    assert.match(r.stderr, /^wharf: Error response from daemon: Range of CPUs is from 0\.01 to (\d+)\.00, as there are only \1 CPUs available\.\nSee 'wharf run --help'\.\n$/);
    assert.equal(r.code, 125);
  });

  it('run: a missing --env-file in Go\'s words; a local image of another platform is not used', () => {
    err(d.wharf(['run', '--rm', '--env-file', '/nonexistent/env', 'busybox', 'true']), 'wharf: open /nonexistent/env: no such file or directory.\nSee \'wharf run --help\'.\n', 125);
    // dockerd 20.10: "found but does not match the specified platform" is a 404, so the client tries a pull.
    const r = d.wharf(['run', '--rm', '--platform', 'linux/s390x', 'busybox', 'true']);
    assert.match(r.stderr, /^Unable to find image 'busybox:latest' locally\n/);
    assert.equal(r.code, 125);
    assert.equal(ok(d.wharf(['run', '--rm', '--platform', 'linux/amd64', 'busybox', 'echo', 'ok'])), 'ok\n');
  });

  it('tag and pull -a check references as the docker client does', () => {
    err(d.wharf(['tag', 'busybox', 'Bad:Tag']), 'Error parsing reference: "Bad:Tag" is not a valid repository/tag: invalid reference format: repository name must be lowercase\n');
    err(d.wharf(['tag', 'busybox', 'bad::tag']), 'Error parsing reference: "bad::tag" is not a valid repository/tag: invalid reference format\n');
    err(d.wharf(['pull', '-a', 'busybox:latest']), "tag can't be used with --all-tags/-a\n");
  });

  it('build: the client\'s context and -t checks, the upload line before a refusal, COPY --from of a missing image', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-msgs-build-'));
    try {
      writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nRUN true\n');
      let r = d.wharf(['build', '-t', 'Bad-Tag', dir]);
      err(r, 'invalid argument "Bad-Tag" for "-t, --tag" flag: invalid reference format: repository name must be lowercase\nSee \'wharf build --help\'.\n', 125);
      err(d.wharf(['build', '-f', join(dir, 'nosuch.Dockerfile'), dir]), `unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${join(dir, 'nosuch.Dockerfile')}: no such file or directory\n`);
      err(d.wharf(['build', join(dir, 'nosuch')]), `unable to prepare context: path "${join(dir, 'nosuch')}" not found\n`);
      r = d.wharf(['build', '--target', 'nosuch', dir]);
      assert.match(r.stdout, /^Sending build context to Docker daemon +\S+\r\r\n$/);
      err(r, 'Error response from daemon: failed to reach build target nosuch in Dockerfile\n');
      writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nCOPY --from=localhost:1/nosuch:1 /x /x\n');
      r = d.wharf(['build', dir]);
      assert.match(r.stderr, /^invalid from flag value localhost:1\/nosuch:1: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('container prune --filter until= keeps containers created after it', () => {
    const id = ok(d.wharf(['create', '--name', 'msg-fresh', 'busybox', 'true'])).trim();
    assert.equal(ok(d.wharf(['container', 'prune', '-f', '--filter', 'until=1h'])), 'Total reclaimed space: 0B\n');
    assert.equal(ok(d.wharf(['ps', '-aq', '--no-trunc', '--filter', 'name=msg-fresh'])).trim(), id);
    assert.match(ok(d.wharf(['container', 'prune', '-f', '--filter', 'label!=keep'])), new RegExp(`Deleted Containers:\\n${id}\\n`));
  });
});

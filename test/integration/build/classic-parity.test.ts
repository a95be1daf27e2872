// docker build with the classic builder, the wharf CLI and the docker 20.10 client side by side against one
// wharfd (IDs normalized): step output, build-arg warning, .dockerignore, -q (output kept back unless the
// build fails), a Dockerfile on stdin, and dockerd 20.10's errors for Dockerfiles it cannot build. Also the
// API's JSON escaping ("---\u003e" in the build stream), which raw API clients compare byte for byte.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { TestDaemon, ok, skipUnlessRoot, writeTree, type RunResult } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-bparity');
const DOCKER20 = '/usr/bin/docker';
const is20 = existsSync(DOCKER20) && /^Docker version 20\.10\./.test(spawnSync(DOCKER20, ['--version']).stdout?.toString() ?? '');
const skip = skipUnlessRoot || (is20 ? false : 'no docker 20.10 client at /usr/bin/docker');

function docker20(args: string[], input?: string): RunResult {
  const r = spawnSync(DOCKER20, args, { input, env: { ...process.env, DOCKER_BUILDKIT: '0', DOCKER_HOST: d.host, DOCKER_CONFIG: join(d.dir, 'docker-config') } });
  return { stdout: r.stdout?.toString() ?? '', stderr: r.stderr?.toString() ?? '', code: r.status ?? -1 };
}
const norm = (r: RunResult) => `exit ${r.code}\n--stdout\n${r.stdout}--stderr\n${r.stderr}`.replace(/[0-9a-f]{64}/g, '<LID>').replace(/[0-9a-f]{12}/g, '<ID>');

/** Both clients print the same (IDs aside); returns that output. `--no-cache` keeps the two runs alike. */
function same(args: string[], input?: string): string {
  const w = norm(d.wharf(args, { input }));
  const k = norm(docker20(args, input));
  assert.equal(w, k, `build ${args.join(' ')}`);
  return w;
}

let dir = '';
before(async () => {
  if (skip) return;
  await d.start();
  d.importBusybox();
  dir = d.dir;
  writeTree(dir, 'app', {
    Dockerfile: 'FROM busybox\nARG FOO=1\nRUN echo hello > /greeting\nCOPY a.txt /a.txt\nENV X=1\nCMD ["cat", "/greeting"]\n',
    'a.txt': 'a\n', '.dockerignore': 'secret\n', secret: 's\n',
  });
  writeTree(dir, 'ignored', { Dockerfile: 'FROM busybox\nCOPY secret /s\n', '.dockerignore': 'secret\n', secret: 's\n' });
  const df = (name: string, text: string) => writeTree(dir, name, { Dockerfile: text });
  df('empty', '');
  df('comments', '# nothing here\n');
  df('nostage', 'ARG X=1\nRUN true\n');
  df('link', 'FROM busybox\nCOPY --link Dockerfile /x\n');
  df('mount', 'FROM busybox\nRUN --mount=type=cache,target=/c true\n');
  df('fromstage', 'FROM busybox AS a\nFROM busybox\nCOPY --from=a /no/such /x\n');
});
after(async () => { if (!skip) await d.cleanup(); });

test('classic builder output: steps, unused build-arg warning, .dockerignore, cache', { skip }, () => {
  const out = same(['build', '--no-cache', '--build-arg', 'UNUSED=1', '-t', 'bp:1', join(dir, 'app')]);
  assert.match(out, /^exit 0\n--stdout\nSending build context to Docker daemon  \S+\r\r\nStep 1\/6 : FROM busybox\n ---> <ID>\nStep 2\/6 : ARG FOO=1\n ---> Running in <ID>\nRemoving intermediate container <ID>\n/);
  assert.match(out, /\[Warning\] One or more build-args \[UNUSED\] were not consumed\nSuccessfully built <ID>\nSuccessfully tagged bp:1\n--stderr\n$/);
  same(['build', '-t', 'bp:1', join(dir, 'app')]); // fully cached: "Using cache" on every step
  assert.match(same(['build', '--no-cache', join(dir, 'ignored')]),
    /Step 2\/2 : COPY secret \/s\n--stderr\nCOPY failed: file not found in build context or excluded by \.dockerignore: stat secret: file does not exist\n$/);
});

test('-q prints the ID alone, or on failure everything it held back on stderr', { skip }, () => {
  assert.match(same(['build', '-q', join(dir, 'app')]), /^exit 0\n--stdout\nsha256:<LID>\n--stderr\n$/);
  assert.equal(same(['build', '-q', '--no-cache', join(dir, 'ignored')]), 'exit 1\n--stdout\n--stderr\n'
    + 'Sending build context to Docker daemon  3.072kB\r\r\nStep 1/2 : FROM busybox\n ---> <ID>\nStep 2/2 : COPY secret /s\n'
    + 'COPY failed: file not found in build context or excluded by .dockerignore: stat secret: file does not exist\n');
});

test('a Dockerfile on stdin becomes a one-file context', { skip }, () => {
  assert.match(same(['build', '--no-cache', '-'], 'FROM busybox\nRUN echo from-stdin\n'),
    /^exit 0\n--stdout\nSending build context to Docker daemon  2\.048kB\r\r\nStep 1\/2 : FROM busybox\n[^]*\nfrom-stdin\n/);
});

test('Dockerfiles dockerd 20.10 refuses, with its messages', { skip }, () => {
  const err = (name: string) => same(['build', '--no-cache', join(dir, name)]).replace(/^[^]*--stderr\n/, '');
  assert.equal(err('empty'), 'Error response from daemon: the Dockerfile (Dockerfile) cannot be empty\n');
  assert.equal(err('comments'), 'Error response from daemon: failed to parse Dockerfile: file with no instructions\n');
  assert.equal(err('nostage'), 'Error response from daemon: no build stage in current context\n');
  assert.equal(err('link'), 'Error response from daemon: dockerfile parse error line 2: Unknown flag: link\n');
  assert.equal(err('mount'), 'the --mount option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled\n');
  assert.equal(err('fromstage'), 'COPY failed: stat no/such: file does not exist\n');
});

test('API JSON is escaped as Go encodes it', { skip }, async () => {
  ok(d.wharf(['run', '--name', 'esc', 'busybox', 'sh', '-c', 'echo a > /dev/null']));
  const body = await new Promise<string>((resolve, reject) => {
    const req = request({ socketPath: d.socket, path: '/v1.41/containers/json?all=1&filters=%7B%22name%22%3A%5B%22esc%22%5D%7D' }, (res) => {
      let s = '';
      res.setEncoding('utf8').on('data', (c: string) => { s += c; }).on('end', () => resolve(s));
    });
    req.on('error', reject).end();
  });
  assert.ok(body.includes('"Command":"sh -c \'echo a \\u003e /dev/null\'"'), body);
});

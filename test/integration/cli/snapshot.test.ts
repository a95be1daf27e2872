// bin/wharf starts the CLI from a V8 startup snapshot (dist/bin/wharf-core.blob for the most used commands,
// wharf.blob for the others), and falls back to the
// CommonJS bundle dist/bin/wharf.cjs when the blob is missing, was made by another node binary (its stamp's
// mtime differs from node's) or belongs to an older build (wharf.build-id differs from the id inside it).
// Each case runs a copy of the launcher and of dist/bin in a temp dir, so the checkout is never touched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/daemon.js';

const dist = join(repoRoot, 'dist/bin');
const skip = existsSync(join(dist, 'wharf.blob')) ? false : 'no startup snapshot was built (node --build-snapshot failed or WHARF_NO_SNAPSHOT=1)';
let tmp: string;

/** A checkout-shaped copy: <dir>/bin/wharf, <dir>/package.json and the given dist/bin files. */
function layout(name: string, files: string[]): string {
  const dir = join(tmp, name);
  mkdirSync(join(dir, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'dist/bin'), { recursive: true });
  copyFileSync(join(repoRoot, 'bin/wharf'), join(dir, 'bin/wharf'));
  copyFileSync(join(repoRoot, 'package.json'), join(dir, 'package.json'));
  for (const f of files) {
    copyFileSync(join(dist, f), join(dir, 'dist/bin', f));
    const st = statSync(join(dist, f));
    utimesSync(join(dir, 'dist/bin', f), st.atime, st.mtime); // the stamp's mtime is what counts
  }
  return dir;
}

function wharf(dir: string, args: string[]): { stdout: string; stderr: string; code: number } {
  const r = spawnSync('sh', [join(dir, 'bin/wharf'), ...args], { encoding: 'utf8', env: { ...process.env, WHARF_HOST: 'unix:///nonexistent/wharf.sock' } });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 };
}

/** A stand-in wharf.cjs that says it ran, and with which arguments. */
function fakeCjs(dir: string): void {
  writeFileSync(join(dir, 'dist/bin/wharf.cjs'), "process.stdout.write('cjs ' + JSON.stringify(process.argv.slice(2)) + '\\n');\n");
}

const SNAPSHOT_FILES = ['wharf.blob', 'wharf.blob.node', 'wharf.build-id'];

before(() => { tmp = mkdtempSync(join(tmpdir(), 'wharf-snapshot-')); });
after(() => { rmSync(tmp, { recursive: true, force: true }); });

test('the snapshot alone runs the CLI: arguments reach wharf, node does not take --version', { skip }, () => {
  const dir = layout('only-blob', SNAPSHOT_FILES); // no wharf.cjs, no wharf.js: only the snapshot can answer
  const v = wharf(dir, ['--version']);
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stdout, /^wharf version \S+, build \S+\n$/);
  const plain = spawnSync(process.execPath, [join(dist, 'wharf.js'), '--help'], { encoding: 'utf8' });
  const snap = wharf(dir, ['--help']);
  assert.equal(snap.stdout, plain.stdout);
  // A flag error and an unreachable daemon: docker's messages and exit codes, as from the plain bundle.
  const bad = wharf(dir, ['ps', '--nope']);
  assert.equal(bad.code, 125);
  assert.match(bad.stderr, /^unknown flag: --nope\nSee 'wharf ps --help'\.\n$/);
  const down = wharf(dir, ['ps']);
  assert.equal(down.code, 1);
  assert.match(down.stderr, /Cannot connect to the Docker daemon at unix:\/\/\/nonexistent\/wharf.sock/);
});

test('without a snapshot the launcher runs the CommonJS bundle', { skip }, () => {
  const dir = layout('no-blob', ['wharf.cjs']);
  const v = wharf(dir, ['--version']);
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stdout, /^wharf version \S+, build \S+\n$/);
  fakeCjs(dir);
  assert.equal(wharf(dir, ['run', '--rm', 'x']).stdout, 'cjs ["run","--rm","x"]\n');
});

test('a snapshot from another node binary is not used', { skip }, () => {
  const dir = layout('other-node', [...SNAPSHOT_FILES]);
  fakeCjs(dir);
  const stamp = join(dir, 'dist/bin/wharf.blob.node');
  const t = new Date(statSync(stamp).mtimeMs - 3600_000);
  utimesSync(stamp, t, t);
  writeFileSync(join(dir, 'dist/bin/wharf.blob'), 'not a snapshot'); // would fail loudly if it were used
  assert.equal(wharf(dir, ['ps', '-a']).stdout, 'cjs ["ps","-a"]\n');
});

test('a snapshot older than the bundle hands over to the bundle with the same arguments', { skip }, () => {
  const dir = layout('stale', SNAPSHOT_FILES);
  fakeCjs(dir);
  writeFileSync(join(dir, 'dist/bin/wharf.build-id'), 'another-build\n');
  assert.equal(wharf(dir, ['--version', 'a b']).stdout, 'cjs ["--version","a b"]\n');
  rmSync(join(dir, 'dist/bin/wharf.build-id'));
  assert.equal(wharf(dir, ['exec', 'c', 'true']).stdout, 'cjs ["exec","c","true"]\n');
});

test('the core snapshot serves the most used commands; the others it is given go to the bundle', { skip }, () => {
  const dir = layout('core', [...SNAPSHOT_FILES, 'wharf-core.blob']);
  fakeCjs(dir);
  writeFileSync(join(dir, 'dist/bin/wharf.blob'), 'not a snapshot'); // would fail loudly if it were used
  for (const cmd of ['run', 'exec', 'start', 'ps', 'create', 'rm', 'stop', 'kill', 'inspect', 'logs', 'wait', 'version']) {
    const plain = spawnSync(process.execPath, [join(dist, 'wharf.js'), cmd, '--help'], { encoding: 'utf8' });
    const core = wharf(dir, ['-H', 'unix:///nonexistent/x.sock', '--log-level', 'info', cmd, '--help']);
    assert.equal(core.stdout, plain.stdout, cmd);
  }
  const down = wharf(dir, ['ps', '-a']);
  assert.equal(down.code, 1);
  assert.match(down.stderr, /Cannot connect to the Docker daemon at unix:\/\/\/nonexistent\/wharf.sock/);
  // A command the core bundle left out, given to the core snapshot anyway: the bundle runs it.
  const other = spawnSync(process.execPath, ['--snapshot-blob', join(dir, 'dist/bin/wharf-core.blob'), '--', '-D', 'images', '-a'], { encoding: 'utf8' });
  assert.equal(other.stdout, 'cjs ["-D","images","-a"]\n', other.stderr);
});

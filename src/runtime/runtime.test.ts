// Real containers through conmon + runc on a busybox rootfs (root only; skips with the reason otherwise).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isInvalidParameter } from '../errors.js';
import { Runtime, type ExitStatus, type LogEntry } from './index.js';

const skip = process.getuid?.() !== 0 ? 'needs root' : !existsSync('/bin/busybox') ? 'needs /bin/busybox' : false;
const CGROUP_PARENT = `/wharf-test-${process.pid}`;

function makeRootfs(dir: string): string {
  const rootfs = join(dir, 'rootfs');
  mkdirSync(join(rootfs, 'bin'), { recursive: true });
  for (const d of ['proc', 'sys', 'dev', 'etc', 'tmp']) mkdirSync(join(rootfs, d));
  copyFileSync('/bin/busybox', join(rootfs, 'bin/busybox'));
  for (const c of ['sh', 'echo', 'cat', 'sleep', 'true', 'printf', 'head', 'tr']) symlinkSync('busybox', join(rootfs, 'bin', c));
  return rootfs;
}

describe('Runtime with conmon and runc', { skip }, () => {
  let dir: string;
  let rootfs: string;
  let rt: Runtime;
  const exits = new Map<string, (s: ExitStatus) => void>();
  const created: string[] = [];
  const exitOf = (id: string): Promise<ExitStatus> => new Promise((resolve) => exits.set(id, resolve));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wharf-rt-'));
    rootfs = makeRootfs(dir);
    rt = await Runtime.open({ dataRoot: join(dir, 'data') });
    rt.watchExits((id, status) => exits.get(id)?.(status));
  });

  after(async () => {
    for (const id of created) await rt.delete(id).catch(() => undefined);
    rt.close();
    rmSync(dir, { recursive: true, force: true });
    for (const h of readdirSync('/sys/fs/cgroup')) {
      try { rmdirSync(join('/sys/fs/cgroup', h, CGROUP_PARENT)); } catch { /* not created in this hierarchy */ }
    }
  });

  async function createCtr(id: string, args: string[], extra: { openStdin?: boolean; memory?: number } = {}): Promise<{ pid: number; logPath: string }> {
    created.push(id);
    const spec = rt.buildSpec({ id, rootfs, args, env: ['PATH=/bin'], cgroupParent: CGROUP_PARENT, readonlyRootfs: true, memory: extra.memory });
    const logPath = join(dir, `${id}.log`);
    const r = await rt.create(id, { bundleDir: join(dir, 'bundles', id), spec, logPath, tty: false, openStdin: extra.openStdin ?? false });
    return { ...r, logPath };
  }

  async function collect(it: AsyncIterable<LogEntry>): Promise<LogEntry[]> {
    const out: LogEntry[] = [];
    for await (const e of it) out.push(e);
    return out;
  }

  test('exit code from the exit file, stdout and stderr apart in the log', async () => {
    const id = `wharf-t1-${process.pid}`;
    const exited = exitOf(id);
    const { pid, logPath } = await createCtr(id, ['sh', '-c', 'echo out; echo err >&2; printf partial; exit 3']);
    assert.ok(pid > 0);
    assert.equal((await rt.state(id))?.status, 'created');
    await rt.start(id);
    const status = await exited;
    assert.equal(status.exitCode, 3);
    assert.equal(status.oomKilled, false);
    assert.match(status.finishedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    assert.deepEqual(await rt.exitStatus(id), status);
    const entries = await collect(rt.readLogs(logPath, {}));
    const text = (s: string): string => Buffer.concat(entries.filter((e) => e.stream === s).map((e) => e.data)).toString();
    assert.equal(text('stdout'), 'out\npartial');
    assert.equal(text('stderr'), 'err\n');
    const onlyErr = await collect(rt.readLogs(logPath, { stdout: false }));
    assert.deepEqual(onlyErr.map((e) => e.data.toString()), ['err\n']);
    await rt.delete(id);
    assert.equal(await rt.state(id), undefined);
  });

  test('-i: stdin piped through the attach socket, EOF closes it', async () => {
    const id = `wharf-t2-${process.pid}`;
    const exited = exitOf(id);
    const { logPath } = await createCtr(id, ['cat'], { openStdin: true });
    // With the log, as the daemon attaches: conmon may drop the last unterminated chunk on the socket.
    const a = await rt.attach(id, logPath);
    const chunks: Buffer[] = [];
    a.output.on('data', (o: { stream: string; data: Buffer }) => { if (o.stream === 'stdout') chunks.push(o.data); });
    await rt.start(id);
    a.stdin.write('hello\n');
    a.stdin.end('world');
    const ended = new Promise((r) => { a.output.once('end', r); a.output.once('close', r); });
    const status = await exited;
    assert.equal(status.exitCode, 0);
    // conmon closes the attach socket when it exits: everything the container wrote arrives before that.
    await Promise.race([ended, new Promise((r) => setTimeout(r, 5000))]);
    a.close();
    assert.equal(Buffer.concat(chunks).toString(), 'hello\nworld');
    const logged = await collect(rt.readLogs(logPath, {}));
    assert.equal(Buffer.concat(logged.map((e) => e.data)).toString(), 'hello\nworld');
  });

  test('everything a container wrote while the daemon was busy arrives over the attach socket alone', async () => {
    const id = `wharf-t6-${process.pid}`;
    const exited = exitOf(id);
    await createCtr(id, ['sh', '-c', 'i=0; while [ $i -lt 60 ]; do echo line$i; echo err$i >&2; i=$((i+1)); done; printf tail']);
    // No log: the socket must deliver it all (libuv used to end the read with packets still queued).
    const a = await rt.attach(id);
    const got = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    a.output.on('data', (o: { stream: 'stdout' | 'stderr'; data: Buffer }) => got[o.stream].push(o.data));
    const ended = new Promise((r) => a.output.once('end', r));
    await rt.start(id);
    // Hold the event loop while the container writes 121 packets: conmon fills our queue (10 packets) and
    // waits; the rest follow once we read, and conmon hangs up with the last ones still queued.
    const until = Date.now() + 1500;
    while (Date.now() < until) { /* busy, like a loaded daemon */ }
    assert.equal((await exited).exitCode, 0);
    await Promise.race([ended, new Promise((r) => setTimeout(r, 15_000))]);
    a.close();
    const want = (p: string) => Array.from({ length: 60 }, (_, i) => `${p}${i}\n`).join('');
    assert.equal(Buffer.concat(got.stdout).toString(), want('line') + 'tail');
    assert.equal(Buffer.concat(got.stderr).toString(), want('err'));
  });

  test('a missing executable fails create with runc\'s text in Docker\'s wording', async () => {
    const id = `wharf-t3-${process.pid}`;
    await assert.rejects(createCtr(id, ['nonexist']), (err: Error) => {
      assert.equal(err.message, 'failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "nonexist": executable file not found in $PATH: unknown');
      assert.ok(isInvalidParameter(err));
      return true;
    });
    assert.equal(await rt.state(id), undefined);
  });

  test('an OOM kill is detected (conmon\'s oom file)', async () => {
    const id = `wharf-t5-${process.pid}`;
    const exited = exitOf(id);
    // The shell keeps the whole substitution in memory, far beyond the 16 MiB limit.
    await createCtr(id, ['sh', '-c', 'x=$(head -c 100000000 /dev/zero | tr "\\0" a); echo survived'], { memory: 16 << 20 });
    await rt.start(id);
    assert.deepEqual({ ...(await exited), finishedAt: '' }, { exitCode: 137, oomKilled: true, finishedAt: '' });
  });

  test('a running container is found again by a new Runtime (daemon restart), and its exit reported', async (t) => {
    const id = `wharf-t4-${process.pid}`;
    const { pid } = await createCtr(id, ['sleep', '30']);
    await rt.start(id);
    // The old instance stops watching, as a stopped daemon would: two watchers would race for the exit file.
    rt.close();
    const rt2 = await Runtime.open({ dataRoot: join(dir, 'data') });
    assert.deepEqual(await rt2.state(id), { status: 'running', pid });
    const conmonPid = Number(readFileSync(join(dir, 'data/runtime/c', id, 'conmon.pid'), 'utf8'));
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${conmonPid}/status`, 'utf8'))?.[1]);
    t.diagnostic(`conmon RSS ${rssKb} kB`);
    assert.ok(rssKb > 0 && rssKb < 4096, `conmon RSS ${rssKb} kB`);
    const got = new Promise<ExitStatus>((resolve) => rt2.watchExits((eid, s) => { if (eid === id) resolve(s); }));
    await rt2.kill(id, 'SIGKILL');
    assert.equal((await got).exitCode, 137);
    rt2.close();
  });
});

// The Engine API side of terminals, byte for byte as dockerd 20.10: a TTY container's attach stream is raw
// (no multiplexing headers), the daemon itself watches a TTY attachment's stdin for the detach keys (for
// API clients that do not), attach failures are a bare raw-stream reply, and resize checks its arguments.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { request } from 'node:http';
import { TestDaemon, ok, skipUnlessRoot } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-tty-api');

before(async () => {
  if (skipUnlessRoot) return;
  await d.start();
  d.importBusybox('busybox:latest');
});
after(async () => { if (!skipUnlessRoot) await d.cleanup(); });

/** A raw POST with Upgrade: tcp; collects everything the daemon sends until it closes. */
function hijack(path: string): { sock: Socket; received: () => string; closed: Promise<void> } {
  const sock = connect(d.socket);
  let buf = '';
  sock.on('data', (b) => { buf += b.toString('latin1'); });
  const closed = new Promise<void>((r) => sock.on('close', () => r()));
  sock.write(`POST /v1.41${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
  return { sock, received: () => buf, closed };
}

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function post(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: d.socket, path: `/v1.41${path}`, method: 'POST', agent: false }, (res) => {
      let body = '';
      res.on('data', (b) => { body += b; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('TTY attach streams raw; the daemon detaches on ^P^Q and logs a detach event', { skip: skipUnlessRoot }, async () => {
  const id = ok(d.wharf(['run', '-d', '-it', 'busybox', 'sh'])).trim();
  const since = Math.floor(Date.now() / 1000) - 1;
  const a = hijack(`/containers/${id}/attach?stream=1&stdin=1&stdout=1&stderr=1`);
  await until(() => a.received().includes('\r\n\r\n'), 'hijack reply');
  assert.match(a.received(), /^HTTP\/1\.1 101 UPGRADED\r\nContent-Type: application\/vnd\.docker\.raw-stream\r\n/);
  a.sock.write('echo $((40+2))\r');
  await until(() => a.received().includes('42\r\n'), 'echo output');
  const body = a.received().split('\r\n\r\n').slice(1).join('\r\n\r\n');
  assert.ok(!body.includes('\x01\x00\x00\x00'), 'a TTY stream carries no multiplexing headers');
  a.sock.write('\x10');
  a.sock.write('\x11');
  await a.closed;
  assert.equal(ok(d.wharf(['inspect', '-f', '{{.State.Running}}', id])).trim(), 'true');
  const events = ok(d.wharf(['events', '--since', String(since), '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', `container=${id}`, '--format', '{{.Action}}']));
  assert.match(events, /^attach\ndetach$/m);
  ok(d.wharf(['rm', '-f', id]));
});

test('attach failures are raw-stream replies like dockerd', { skip: skipUnlessRoot }, async () => {
  const missing = hijack('/containers/nope/attach?stream=1');
  await missing.closed;
  assert.equal(missing.received(), 'HTTP/1.1 404 Not Found\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\nNo such container: nope\r\n');
  const id = ok(d.wharf(['run', '-d', '-it', 'busybox', 'sh'])).trim();
  const bad = hijack(`/containers/${id}/attach?stream=1&stdin=1&detachKeys=ctrl-P`);
  await bad.closed;
  assert.match(bad.received(), /^HTTP\/1\.1 400 Bad Request\r\n.*\r\n\r\nInvalid detach keys \(ctrl-P\) provided\r\n$/s);
  ok(d.wharf(['rm', '-f', id]));
});

test('resize: 200 when running, 409 when not, 400 on a missing size', { skip: skipUnlessRoot }, async () => {
  const id = ok(d.wharf(['run', '-d', '-t', 'busybox', 'sh', '-c', 'while :; do stty size; sleep 0.1; done'])).trim();
  assert.equal((await post(`/containers/${id}/resize?h=33&w=111`)).status, 200);
  await until(() => d.wharf(['logs', '--tail', '1', id]).stdout.includes('33 111'), 'the new size inside');
  const noH = await post(`/containers/${id}/resize?w=10`);
  assert.equal(noH.status, 400);
  assert.equal(JSON.parse(noH.body).message, 'strconv.Atoi: parsing "": invalid syntax');
  ok(d.wharf(['kill', id]));
  const stopped = await post(`/containers/${id}/resize?h=10&w=10`);
  assert.equal(stopped.status, 409);
  assert.equal(JSON.parse(stopped.body).message, `Container ${id} is not running`);
  ok(d.wharf(['rm', '-f', id]));
});

test('exec with Tty: raw output through a terminal, exit code, resize and ExecInspect like dockerd', { skip: skipUnlessRoot }, async () => {
  const id = ok(d.wharf(['run', '-d', 'busybox', 'sleep', '600'])).trim();
  const r = d.wharf(['exec', '-t', id, 'sh', '-c', 'tty; echo out; echo err >&2; exit 5']);
  assert.equal(r.code, 5);
  assert.equal(r.stdout, '/dev/pts/0\r\nout\r\nerr\r\n');
  const created = await postJson(`/containers/${id}/exec`, { Cmd: ['sh', '-c', 'while :; do stty size; sleep 0.1; done'], Tty: true, AttachStdout: true, User: 'nobody' });
  const execId = JSON.parse(created.body).Id as string;
  const before = JSON.parse((await get(`/exec/${execId}/json`)).body);
  assert.deepEqual(before, {
    ID: execId, Running: false, ExitCode: null, ProcessConfig: { tty: true, entrypoint: 'sh', arguments: ['-c', 'while :; do stty size; sleep 0.1; done'], privileged: false, user: 'nobody' },
    OpenStdin: false, OpenStderr: false, OpenStdout: true, CanRemove: false, ContainerID: id, DetachKeys: '', Pid: 0,
  });
  const early = await post(`/exec/${execId}/resize?h=5&w=5`);
  assert.equal(early.status, 500);
  assert.equal(JSON.parse(early.body).message, 'timeout waiting for exec session ready');
  const a = hijackBody(`/exec/${execId}/start`, '{"Detach":false,"Tty":true}');
  await until(() => a.received().includes('\r\n\r\n'), 'exec hijack');
  assert.equal((await post(`/exec/${execId}/resize?h=12&w=34`)).status, 200);
  await until(() => a.received().includes('12 34\r\n'), 'the resized terminal');
  const running = JSON.parse((await get(`/exec/${execId}/json`)).body);
  assert.equal(running.Running, true);
  assert.ok(running.Pid > 0);
  process.kill(running.Pid, 'SIGKILL');
  await a.closed;
  const after = JSON.parse((await get(`/exec/${execId}/json`)).body);
  assert.equal(after.Running, false);
  assert.equal(after.ExitCode, 137);
  const gone = await post(`/exec/${execId}/resize?h=5&w=5`);
  assert.equal(gone.status, 404);
  assert.equal(JSON.parse(gone.body).message, 'no such exec');
  ok(d.wharf(['rm', '-f', id]));
});

function hijackBody(path: string, body: string): { sock: Socket; received: () => string; closed: Promise<void> } {
  const sock = connect(d.socket);
  let buf = '';
  sock.on('data', (b) => { buf += b.toString('latin1'); });
  const closed = new Promise<void>((r) => sock.on('close', () => r()));
  sock.write(`POST /v1.41${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  return { sock, received: () => buf, closed };
}

function get(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: d.socket, path: `/v1.41${path}`, agent: false }, (res) => {
      let body = '';
      res.on('data', (b) => { body += b; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function postJson(path: string, obj: object): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: d.socket, path: `/v1.41${path}`, method: 'POST', agent: false, headers: { 'Content-Type': 'application/json' } }, (res) => {
      let body = '';
      res.on('data', (b) => { body += b; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(obj));
  });
}

test('a TTY exec: the daemon detaches on its detach keys and the process runs on; bad keys are refused', { skip: skipUnlessRoot }, async () => {
  const id = ok(d.wharf(['run', '-d', 'busybox', 'sleep', '600'])).trim();
  const bad = await postJson(`/containers/${id}/exec`, { Cmd: ['sh'], Tty: true, AttachStdin: true, DetachKeys: 'ctrl-P' });
  assert.equal(bad.status, 500);
  assert.equal(JSON.parse(bad.body).message, 'Invalid escape keys (ctrl-P) provided');
  const created = await postJson(`/containers/${id}/exec`, { Cmd: ['sh'], Tty: true, AttachStdin: true, AttachStdout: true, DetachKeys: 'ctrl-x,y' });
  const execId = JSON.parse(created.body).Id as string;
  const a = hijackBody(`/exec/${execId}/start`, '{"Detach":false,"Tty":true}');
  await until(() => a.received().includes('\r\n\r\n'), 'exec hijack');
  a.sock.write('echo $((6*7))\r');
  await until(() => a.received().includes('42\r\n'), 'shell output');
  a.sock.write('\x18y');
  await a.closed;
  const info = JSON.parse((await get(`/exec/${execId}/json`)).body);
  assert.equal(info.Running, true);
  process.kill(info.Pid, 'SIGKILL');
  ok(d.wharf(['rm', '-f', id]));
});

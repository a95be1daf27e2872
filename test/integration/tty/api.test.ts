// The Engine API side of terminals, byte for byte as dockerd 20.10: a TTY container's attach stream is raw
// (no multiplexing headers), the daemon itself watches a TTY attachment's stdin for the detach keys (for
// API clients that do not), attach failures are a bare raw-stream reply, and resize checks its arguments.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { request } from 'node:http';
import { execFile } from 'node:child_process';
import { TestDaemon, ok, skipUnlessRoot, wharfBin } from '../../helpers/daemon.js';

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

/** The wharf CLI's stdout, several at once (d.wharf blocks the test's event loop). */
function wharfAsync(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(wharfBin, args, { env: { ...process.env, WHARF_HOST: d.host } }, (_err, stdout) => resolve(stdout));
  });
}

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

test('quick TTY execs and TTY runs: everything printed right before the exit arrives, every time', { skip: skipUnlessRoot }, async () => {
  // conmon writes the last packets and hangs up before a busy daemon reads them; libuv used to end the read
  // after the first queued packet (CI once lost `out` and `err`, ~5-10% of execs under load). Several at once
  // keep the daemon busy enough to queue them.
  const id = ok(d.wharf(['run', '-d', 'busybox', 'sleep', '600'])).trim();
  const once = async (): Promise<string> => {
    const created = await postJson(`/containers/${id}/exec`, { Cmd: ['sh', '-c', 'echo a; echo out; echo err >&2; exit 3'], Tty: true, AttachStdout: true, AttachStderr: true });
    const a = hijackBody(`/exec/${JSON.parse(created.body).Id as string}/start`, '{"Detach":false,"Tty":true}');
    await a.closed;
    const raw = a.received();
    return raw.slice(raw.indexOf('\r\n\r\n') + 4);
  };
  const outputs: string[] = [];
  for (let round = 0; round < 6; round++) outputs.push(...await Promise.all([once(), once(), once(), once()]));
  assert.deepEqual(outputs.filter((o) => o !== 'a\r\nout\r\nerr\r\n'), []);
  ok(d.wharf(['rm', '-f', id]));
  // The container path shares the attach socket code (the log refill used to hide the loss there).
  const runs = await Promise.all([0, 1, 2].map(() => wharfAsync(['run', '--rm', '-t', 'busybox', 'sh', '-c', 'echo a; echo out; echo err >&2'])));
  assert.deepEqual(runs, Array(3).fill('a\r\nout\r\nerr\r\n'));
});

test('a TTY exec: the daemon detaches on its detach keys and the process runs on; bad keys are refused', { skip: skipUnlessRoot }, async () => {
  const id = ok(d.wharf(['run', '-d', 'busybox', 'sleep', '600'])).trim();
  const bad = await postJson(`/containers/${id}/exec`, { Cmd: ['sh'], Tty: true, AttachStdin: true, DetachKeys: 'ctrl-P' });
  assert.equal(bad.status, 500);
  assert.equal(JSON.parse(bad.body).message, 'Invalid escape keys (ctrl-P) provided');
  const created = await postJson(`/containers/${id}/exec`, { Cmd: ['sh'], Tty: true, AttachStdin: true, AttachStdout: true, DetachKeys: 'ctrl-x,y' });
  const execId = JSON.parse(created.body).Id as string;
  const a = hijackBody(`/exec/${execId}/start`, '{"Detach":false,"Tty":true}');
  await until(() => a.received().includes('\r\n\r\n'), 'exec hijack');
  // The reply head comes before the process starts (as from dockerd): type once the shell prompts, since
  // its line editor discards what was typed before it set the terminal up.
  await until(() => a.received().slice(a.received().indexOf('\r\n\r\n') + 4).includes('# '), 'shell prompt');
  a.sock.write('echo $((6*7))\r');
  await until(() => a.received().includes('42\r\n'), 'shell output');
  a.sock.write('\x18y');
  await a.closed;
  const info = JSON.parse((await get(`/exec/${execId}/json`)).body);
  assert.equal(info.Running, true);
  process.kill(info.Pid, 'SIGKILL');
  ok(d.wharf(['rm', '-f', id]));
});

test('exec start sends its reply head before the process runs, so no output shares a read with it (docker-py)', { skip: skipUnlessRoot }, async () => {
  // docker-py reads the reply head through a buffered reader and then the raw socket: whatever came in the
  // same read as the head is lost to it. dockerd writes the head before starting the process.
  const id = ok(d.wharf(['run', '-d', 'busybox', 'sleep', '600'])).trim();
  for (const tty of [true, false, true]) {
    const created = await postJson(`/containers/${id}/exec`, { Cmd: ['echo', 'hi'], Tty: tty, AttachStdout: true, AttachStderr: true });
    const execId = JSON.parse(created.body).Id as string;
    const sock = connect(d.socket);
    const chunks: string[] = [];
    sock.on('data', (b) => chunks.push(b.toString('latin1')));
    const closed = new Promise<void>((r) => sock.on('close', () => r()));
    const body = `{"Detach":false,"Tty":${tty}}`;
    sock.write(`POST /v1.41/exec/${execId}/start HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    await closed;
    assert.ok(chunks[0]!.startsWith('HTTP/1.1 101 UPGRADED\r\n') && chunks[0]!.endsWith('\r\n\r\n'), `first read: ${JSON.stringify(chunks[0])}`);
    assert.equal(chunks.slice(1).join(''), tty ? 'hi\r\n' : '\x01\x00\x00\x00\x00\x00\x00\x03hi\n');
  }
  ok(d.wharf(['rm', '-f', id]));
});

/** A websocket client over the raw socket: the 101 head, then the server's frames as [opcode, payload]. */
function wsAttach(path: string): { send: (text: string) => void; head: () => string; frames: () => Array<[number, string]>; closed: Promise<void> } {
  const sock = connect(d.socket);
  let buf = Buffer.alloc(0);
  sock.on('data', (b: Buffer) => { buf = Buffer.concat([buf, b]); });
  const closed = new Promise<void>((r) => sock.on('close', () => r()));
  sock.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  const split = (): [string, Buffer] => { const i = buf.indexOf('\r\n\r\n'); return i < 0 ? ['', Buffer.alloc(0)] : [buf.subarray(0, i + 4).toString(), buf.subarray(i + 4)]; };
  return {
    send(text) {
      const p = Buffer.from(text);
      const mask = Buffer.from([7, 1, 9, 3]);
      sock.write(Buffer.concat([Buffer.from([0x81, 0x80 | p.length]), mask, Buffer.from(p.map((x, i) => x ^ mask[i % 4]!))]));
    },
    head: () => split()[0],
    frames() {
      const out: Array<[number, string]> = [];
      let rest = split()[1];
      while (rest.length >= 2 && rest.length >= 2 + (rest[1]! & 0x7f)) {
        const len = rest[1]! & 0x7f; // the test's payloads stay under 126 bytes
        out.push([rest[0]! & 0x0f, rest.subarray(2, 2 + len).toString('latin1')]);
        rest = rest.subarray(2 + len);
      }
      return out;
    },
    closed,
  };
}

test('attach over a websocket: 101 handshake, raw frames both ways, a normal close; 404 before the upgrade', { skip: skipUnlessRoot }, async () => {
  ok(d.wharf(['run', '-d', '-i', '--name', 'ws-att', 'busybox', 'sh', '-c', 'read x; echo got $x; echo oops >&2; read y; echo bye $y']));
  const ws = wsAttach('/v1.41/containers/ws-att/attach/ws?stream=1&stdin=1&stdout=1&stderr=1');
  await until(() => ws.head() !== '', 'the handshake');
  assert.equal(ws.head(), 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n');
  ws.send('abc\n');
  await until(() => ws.frames().length >= 2, 'the first output');
  ws.send('z\n');
  await ws.closed;
  // Binary frames (API >= 1.28), stdout and stderr raw (not multiplexed), then close with status 1000.
  assert.deepEqual(ws.frames(), [[2, 'got abc\n'], [2, 'oops\n'], [2, 'bye z\n'], [8, '\u0003\u00e8']]);

  ok(d.wharf(['run', '-d', '-i', '--name', 'ws-old', 'busybox', 'sh', '-c', 'read x; echo old $x']));
  const old = wsAttach('/v1.27/containers/ws-old/attach/ws?stream=1&stdin=1&stdout=1');
  await until(() => old.head() !== '', 'the handshake');
  old.send('1\n');
  await old.closed;
  assert.deepEqual(old.frames(), [[1, 'old 1\n'], [8, '\u0003\u00e8']]); // text frames before 1.28

  const missing = wsAttach('/v1.41/containers/ws-nope/attach/ws?stream=1&stdout=1');
  await missing.closed;
  assert.match(missing.head(), /^HTTP\/1\.1 404 Not Found\r\n[^]*Content-Type: application\/json\r\n/);
  ok(d.wharf(['rm', '-f', 'ws-att', 'ws-old']));
});

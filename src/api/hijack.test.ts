import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { NotFound } from '../errors.js';
import type { Attachment, StreamChunk } from './backend.js';
import { call, fakeBackend } from './fake-backend.js';
import { createApiServer, type ApiServer } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'wharf-hj-'));
const sock = join(dir, 'api.sock');
let server: ApiServer;
let execStarted: { detach: boolean; tty: boolean } | undefined;
/** Reply heads the raw test client has received so far, and whether the last exec ran after its head arrived. */
let headsSeen = 0;
let ranAfterHead: boolean | undefined;

/** An attachment that echoes stdin to stdout (and "bye" to stderr on EOF), ending when stdin ends. */
function echo(tty: boolean): Attachment {
  const out = new PassThrough({ objectMode: true });
  return {
    tty,
    output: out as AsyncIterable<StreamChunk>,
    pipeStdin(input: Readable) {
      input.on('data', (b: Buffer) => out.write({ stream: 'stdout', data: b }));
      input.on('end', () => { out.write({ stream: 'stderr', data: Buffer.from('bye\n') }); out.end(); });
    },
  };
}

before(async () => {
  server = createApiServer(fakeBackend({
    async containerLogs(id) {
      if (id === 'gone') throw new NotFound('No such container: gone');
      return {
        tty: id === 'tty',
        output: (async function* () {
          yield { stream: 'stdout' as const, data: Buffer.from('hello\n') };
          yield { stream: 'stderr' as const, data: Buffer.from('oops\n') };
        })(),
      };
    },
    async attachContainer(id) {
      if (id === 'gone') throw new NotFound('No such container: gone');
      return echo(id === 'tty');
    },
    async startExec(_id, opts) {
      execStarted = { detach: opts.detach, tty: opts.tty };
      if (!opts.detach) {
        // The process starts only once the client holds the reply head (dockerd's order).
        const seen = headsSeen;
        await opts.beforeRun?.();
        for (let i = 0; i < 100 && headsSeen === seen; i++) await new Promise((r) => setTimeout(r, 20));
        ranAfterHead = headsSeen > seen;
      }
      return opts.detach ? undefined : echo(opts.tty);
    },
    async waitContainer(id) {
      if (id === 'gone') throw new NotFound('No such container: gone');
      return { result: new Promise((r) => setTimeout(() => r({ StatusCode: 3 }), 20)) };
    },
  }), { socketPath: sock, version: 'test' });
  await server.listen();
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Sends a raw request, writes `stdin` after the reply head arrives, half-closes, and collects everything. */
function rawSession(head: string, stdin: string | undefined): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = connect(sock);
    const parts: Buffer[] = [];
    let sent = false;
    s.on('data', (b: Buffer) => {
      parts.push(b);
      if (!sent && Buffer.concat(parts).includes('\r\n\r\n')) {
        sent = true;
        headsSeen++;
        if (stdin !== undefined) s.write(stdin);
        s.end(); // half-close: the server must see stdin EOF and still send the rest
      }
    });
    s.on('end', () => resolve(Buffer.concat(parts)));
    s.on('error', reject);
    s.write(head);
  });
}

function frames(buf: Buffer): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (let i = 0; i < buf.length;) {
    const size = buf.readUInt32BE(i + 4);
    assert.deepEqual([...buf.subarray(i + 1, i + 4)], [0, 0, 0]);
    out.push([buf[i]!, buf.subarray(i + 8, i + 8 + size).toString()]);
    i += 8 + size;
  }
  return out;
}

function split(reply: Buffer): { head: string; body: Buffer } {
  const end = reply.indexOf('\r\n\r\n');
  return { head: reply.subarray(0, end + 4).toString(), body: reply.subarray(end + 4) };
}

test('logs are multiplexed without a TTY and raw with one', async () => {
  const r = await call(sock, 'GET', '/v1.41/containers/web/logs?stdout=1&stderr=1');
  assert.equal(r.status, 200);
  assert.deepEqual(frames(Buffer.from(r.body, 'latin1')), [[1, 'hello\n'], [2, 'oops\n']]);
  const tty = await call(sock, 'GET', '/containers/tty/logs?stdout=1&stderr=1');
  assert.equal(tty.body, 'hello\noops\n');
  const none = await call(sock, 'GET', '/containers/web/logs');
  assert.equal(none.status, 400);
  assert.equal(JSON.parse(none.body).message, 'Bad parameters: you must choose at least one stream');
  assert.equal((await call(sock, 'GET', '/containers/gone/logs?stdout=1')).status, 404);
});

test('attach with Upgrade: 101 with docker\'s exact head, stdin echoed, half-close ends stdin', async () => {
  const reply = await rawSession('POST /v1.41/containers/web/attach?stream=1&stdin=1&stdout=1&stderr=1 HTTP/1.1\r\nHost: docker\r\nContent-Length: 0\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n', 'ping\n');
  const { head, body } = split(reply);
  assert.equal(head, 'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
  assert.deepEqual(frames(body), [[1, 'ping\n'], [2, 'bye\n']]);
});

test('attach without Upgrade: 200 and the same connection carries stdin', async () => {
  const reply = await rawSession('POST /containers/tty/attach?stream=1&stdin=1&stdout=1 HTTP/1.1\r\nHost: docker\r\n\r\n', 'raw bytes');
  const { head, body } = split(reply);
  assert.equal(head, 'HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\n');
  assert.equal(body.toString(), 'raw bytesbye\n');
});

test('attach to a missing container: dockerd\'s bare raw-stream 404 with the message as text', async () => {
  const reply = await rawSession('POST /v1.41/containers/gone/attach?stream=1 HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n', undefined);
  assert.equal(reply.toString(), 'HTTP/1.1 404 Not Found\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\nNo such container: gone\r\n');
});

test('exec start: body before stdin, hijack head repeats API headers; detached is a plain 200', async () => {
  const body = '{"Detach":false,"Tty":false}';
  const reply = await rawSession(`POST /v1.41/exec/e1/start HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n${body}`, 'in\n');
  const parts = split(reply);
  assert.match(parts.head, /^HTTP\/1.1 101 UPGRADED\r\nContent-Type: application\/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nApi-Version: 1.41\r\n/);
  assert.deepEqual(frames(parts.body), [[1, 'in\n'], [2, 'bye\n']]);
  assert.deepEqual(execStarted, { detach: false, tty: false });
  assert.equal(ranAfterHead, true, 'the hijack head reached the client before the exec process started');
  const detached = await call(sock, 'POST', '/exec/e2/start', '{"Detach":true}', { 'Content-Type': 'application/json' });
  assert.equal(detached.status, 200);
  assert.equal(detached.body, '');
  assert.deepEqual(execStarted, { detach: true, tty: false });
});

test('wait answers the exit status with Error null', async () => {
  const r = await call(sock, 'POST', '/containers/web/wait?condition=next-exit');
  assert.equal(r.status, 200);
  assert.deepEqual(JSON.parse(r.body), { Error: null, StatusCode: 3 });
  assert.equal((await call(sock, 'POST', '/containers/gone/wait')).status, 404);
  assert.equal((await call(sock, 'POST', '/containers/web/wait?condition=bogus')).status, 400);
});

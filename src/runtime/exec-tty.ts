// `docker exec -t`: the process needs a pty, and runc hands a pty master only to a console socket, only
// with `runc exec --detach`, after which nobody can wait for the process... except a subreaper. conmon's
// exec mode (-e --exec-attach) is exactly that: it receives the master, serves it on a SEQPACKET attach
// socket like a container's (same framing as attach.ts), takes resizes on its ctl fifo, and reports the
// pid and then the exit code on its sync pipe. The handshake, as libpod drives it:
//   start pipe: 0 ("go ahead") -> attach pipe: {"data": 0} (socket ready) -> we connect
//   start pipe: 0 (run runc exec) -> sync pipe: {"data": <pid>} ... {"data": <exit code>}
// A failed `runc exec` reports a negative value; its message is in the exec's oci-log.
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { start } from '../sys/index.js';
import { connectAttach, packetWriter, resizeConsole } from './attach.js';
import { runcMessage } from './runc.js';

export interface ConmonExecOptions {
  conmon: string;
  runtime: string;
  runcRoot: string;
  /** The container's id (conmon's -c: runc exec targets it). */
  id: string;
  /** A fresh directory for this exec: attach socket, ctl fifo, exit file, logs. */
  dir: string;
  process: object;
  debug?: boolean;
}

export interface TtyExecProcess {
  stdin: Writable;
  /** The terminal's output (stdout and stderr merged, as with any TTY). */
  stdout: Readable;
  stderr: Readable;
  exit: Promise<number>;
  pid: Promise<number>;
  startError: Promise<string | undefined>;
  resize(height: number, width: number): Promise<void>;
}

/** conmon's argv for an exec with a terminal (pure; unit-tested). */
export function conmonExecArgs(o: ConmonExecOptions, processFile: string): string[] {
  const d = o.dir;
  return [
    o.conmon, '--api-version', '1', '-c', o.id, '-u', `exec-${o.id.slice(0, 12)}`, '-r', o.runtime, '-b', d,
    '-p', join(d, 'pid'), '-n', o.id, '--exit-dir', join(d, 'exits'), '--persist-dir', d, '--full-attach',
    '--socket-dir-path', d, '-l', 'none', '--log-level', o.debug ? 'debug' : 'error',
    '--runtime-arg', '--root', '--runtime-arg', o.runcRoot,
    '--runtime-arg', '--log-format=json', '--runtime-arg', '--log', '--runtime-arg', join(d, 'oci-log'),
    '-t', '-e', '--exec-attach', '--exec-process-spec', processFile,
  ];
}

/** Yields each {"data": n} conmon writes on a pipe. */
function pipeMessages(stream: Readable): AsyncGenerator<number> {
  return (async function* () {
    let buf = '';
    for await (const chunk of stream) {
      buf += (chunk as Buffer).toString('utf8');
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try { yield (JSON.parse(line) as { data: number }).data; } catch { /* not a message */ }
      }
    }
  })();
}

export async function conmonExecTty(o: ConmonExecOptions): Promise<TtyExecProcess> {
  await mkdir(join(o.dir, 'exits'), { recursive: true });
  const processFile = join(o.dir, 'process.json');
  await writeFile(processFile, JSON.stringify({ ...o.process, terminal: true }));
  const errFd = openSync(join(o.dir, 'conmon.stderr'), 'w');
  let child;
  try {
    child = start(conmonExecArgs(o, processFile), {
      cwd: o.dir, // conmon's stray files (an "oom" marker) stay in the exec's directory
      stdio: ['ignore', 'ignore', errFd, 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, _OCI_SYNCPIPE: '3', _OCI_STARTPIPE: '4', _OCI_ATTACHPIPE: '5' },
    });
  } finally { closeSync(errFd); }
  child.on('error', () => { /* seen as the pipes ending */ });
  child.unref();
  const sync = pipeMessages(child.stdio[3] as Readable);
  const startPipe = child.stdio[4] as Writable;
  startPipe.on('error', () => undefined);
  const attachReady = pipeMessages((child.stdio as unknown as Readable[])[5]!);
  startPipe.write(Buffer.from([0]));
  const ready = await attachReady.next();
  if (ready.done) throw new Error(`conmon exec failed: ${(await readFile(join(o.dir, 'conmon.stderr'), 'utf8').catch(() => '')).trim()}`);
  const sock = connectAttach(o.dir);
  sock.on('error', () => undefined);
  const stdout = new PassThrough();
  sock.on('data', (packet: Buffer) => {
    if (packet.length > 1 && packet[0] === 2) stdout.write(packet.subarray(1));
  });
  const ended = new Promise<void>((r) => { sock.once('end', r); sock.once('close', r); });
  startPipe.end(Buffer.from([0]), () => startPipe.destroy());

  const first = await sync.next();
  const pidValue = first.done ? -1 : first.value;
  const exit = (async () => {
    let code = pidValue;
    if (pidValue > 0) { const second = await sync.next(); code = second.done ? 137 : second.value; }
    // conmon relays the last output before it reports the exit, but the two arrive on different fds: the
    // output is complete when conmon, exiting, closes the attach socket (0-3 ms after the exit here). A
    // quiet-period guess cut the last lines off under load; the cap only guards against a conmon that hangs.
    let cap: NodeJS.Timeout | undefined;
    await Promise.race([ended, new Promise<void>((r) => { cap = setTimeout(r, 5000); })]);
    clearTimeout(cap);
    sock.destroy();
    stdout.end();
    return code < 0 ? 255 : code;
  })();
  const startError = (async () => {
    if (pidValue > 0) return undefined;
    const msg = runcMessage(await readFile(join(o.dir, 'oci-log'), 'utf8').catch(() => ''));
    return `OCI runtime exec failed: ${msg || 'exec failed'}: unknown`;
  })();
  void exit.finally(() => rm(o.dir, { recursive: true, force: true }).catch(() => undefined));
  const stderr = new PassThrough();
  stderr.end();
  return {
    stdin: packetWriter(sock), stdout, stderr, exit, pid: Promise.resolve(pidValue > 0 ? pidValue : 0), startError,
    resize: (h, w) => resizeConsole(o.dir, h, w),
  };
}

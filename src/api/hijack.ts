// Connection hijacking for POST /containers/{id}/attach and POST /exec/{id}/start. dockerd takes over the
// raw connection: it answers "101 UPGRADED" when the client sent `Upgrade: tcp` (the docker CLI does) and a
// bare "200 OK" otherwise, then output flows out (multiplexed unless TTY) and the client's bytes flow in as
// stdin until it half-closes. The connection ends when the output ends.
import { STATUS_CODES } from 'node:http';
import { PassThrough, type Duplex } from 'node:stream';
import { messageOf, statusOf, logUnclassified } from './errors.js';
import type { Attachment } from './backend.js';
import { goStringify } from './go-stringify.js';
import { pumpOutput, writeAll } from './response.js';
import { CLOSE_NORMAL, encodeFrame, handshakeReply, OP, readFrames } from './websocket.js';

export class Hijack {
  private taken = false;
  private headWritten = false;
  private bodyRead = false;

  /**
   * @param socket  the client connection (from the 'upgrade' event, or a plain request's socket)
   * @param head    bytes the HTTP parser read past the request head
   * @param upgrade whether the client asked for `Upgrade: tcp` (101) or not (200)
   * @param contentLength the request body's length; its bytes are the head of the stream, not stdin
   * @param baseHeaders Api-Version, Server, ...: sent on error replies (and on exec's hijack reply)
   */
  constructor(
    private readonly socket: Duplex,
    private head: Buffer,
    readonly upgrade: boolean,
    private readonly contentLength: number,
    private readonly baseHeaders: Record<string, string>,
  ) {
    // Client bytes wait in the socket until something reads them: after the upgrade node leaves the socket
    // flowing with no listener, and stdin sent right after the reply head (before the exec's process is up)
    // would be dropped.
    socket.pause();
  }

  get closed(): boolean { return this.socket.destroyed; }

  onClose(fn: () => void): void {
    if (this.socket.destroyed) { fn(); return; }
    this.socket.once('close', fn);
  }

  /** The request body (exec start's {"Detach","Tty"}); what follows it on the connection is stdin. */
  async body(): Promise<Buffer> {
    if (this.bodyRead) throw new Error('request body already read');
    this.bodyRead = true;
    const want = this.contentLength;
    while (this.head.length < want) {
      const chunk = await new Promise<Buffer | null>((resolve) => {
        const onData = (b: Buffer): void => { cleanup(); resolve(b); };
        const onEnd = (): void => { cleanup(); resolve(null); };
        const cleanup = (): void => { this.socket.off('data', onData); this.socket.off('end', onEnd); this.socket.off('close', onEnd); this.socket.pause(); };
        this.socket.on('data', onData);
        this.socket.once('end', onEnd);
        this.socket.once('close', onEnd);
        this.socket.resume();
      });
      if (chunk === null) break;
      this.head = Buffer.concat([this.head, chunk]);
    }
    const body = this.head.subarray(0, want);
    this.head = this.head.subarray(want);
    return body;
  }

  /** A complete, non-hijacked reply (errors before the takeover; exec's detached 200). */
  reply(status: number, body?: object): void {
    if (this.taken) return;
    this.taken = true;
    const text = body === undefined ? '' : goStringify(body) + '\n';
    const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`];
    for (const [k, v] of Object.entries(this.baseHeaders)) lines.push(`${k}: ${v}`);
    if (body !== undefined) lines.push('Content-Type: application/json');
    if (status !== 304 && status !== 204) lines.push(`Content-Length: ${Buffer.byteLength(text)}`);
    lines.push(`Date: ${new Date().toUTCString()}`, 'Connection: close');
    this.socket.end(lines.join('\r\n') + '\r\n\r\n' + text);
  }

  fail(err: unknown, where: string): void {
    logUnclassified(err, where);
    const status = statusOf(err);
    this.reply(status, status === 304 ? undefined : { message: messageOf(err) });
  }

  /**
   * dockerd's attach failure after ContainerAttach began (no such container, paused, bad detach keys):
   * a bare status line, the raw-stream content type and the message as text, then the connection closes.
   */
  failRaw(err: unknown, where: string): void {
    if (this.taken) return;
    this.taken = true;
    logUnclassified(err, where);
    const status = statusOf(err);
    this.socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\n${messageOf(err)}\r\n`);
  }

  /** The hijack reply's head (once): 101 for `Upgrade: tcp`, else 200, with the raw-stream type. */
  async writeHead(withBaseHeaders: boolean): Promise<void> {
    if (this.headWritten) return;
    this.taken = true;
    this.headWritten = true;
    const lines = this.upgrade
      ? ['HTTP/1.1 101 UPGRADED', 'Content-Type: application/vnd.docker.raw-stream', 'Connection: Upgrade', 'Upgrade: tcp']
      : ['HTTP/1.1 200 OK', 'Content-Type: application/vnd.docker.raw-stream'];
    if (withBaseHeaders) for (const [k, v] of Object.entries(this.baseHeaders)) lines.push(`${k}: ${v}`);
    this.socket.on('error', () => undefined);
    await writeAll(this.socket, lines.join('\r\n') + '\r\n\r\n');
  }

  /** A failure after the hijack reply: its message as a line of the stream, then the connection closes. */
  failInStream(err: unknown, where: string): void {
    logUnclassified(err, where);
    if (!this.socket.destroyed) this.socket.end(`${messageOf(err)}\r\n`);
  }

  /**
   * Takes the connection over and serves `att` until its output ends. `withBaseHeaders`: exec start repeats
   * the middleware headers after the hijack line, container attach does not (as dockerd 20.10).
   */
  async serve(att: Attachment, withBaseHeaders: boolean): Promise<void> {
    const socket = this.socket;
    let closed = false;
    socket.once('close', () => { closed = true; att.close?.(); });
    socket.on('error', () => undefined); // a reset client shows up as 'close'
    await this.writeHead(withBaseHeaders);
    this.pipeInput(att);
    try {
      await pumpOutput(socket, att.tty, att.output);
    } catch (err) {
      if (!closed) logUnclassified(err, 'attach output');
    }
    if (!closed) socket.end();
  }

  /**
   * GET /containers/{id}/attach/ws: completes the websocket handshake and serves `att` over it as dockerd does
   * (raw output, not multiplexed, one frame per write; binary frames from API 1.28, text before; the client's
   * frames are stdin), then sends a normal close frame when the output ends.
   */
  async serveWebSocket(att: Attachment, key: string, binary: boolean): Promise<void> {
    this.taken = true;
    const socket = this.socket;
    let closed = false;
    socket.once('close', () => { closed = true; att.close?.(); });
    socket.on('error', () => undefined);
    await writeAll(socket, handshakeReply(key));
    const send = (frame: Buffer): void => { if (!socket.destroyed && socket.writable) socket.write(frame); };
    if (att.pipeStdin) {
      const stdin = new PassThrough();
      if (this.head.length > 0) socket.unshift(this.head);
      this.head = Buffer.alloc(0);
      readFrames(socket, stdin, send);
      att.pipeStdin(stdin);
    } else {
      readFrames(socket, new PassThrough().resume(), send);
    }
    socket.resume();
    const opcode = binary ? OP.binary : OP.text;
    try {
      for await (const chunk of att.output) if (chunk.data.length) await writeAll(socket, encodeFrame(opcode, chunk.data));
    } catch (err) {
      if (!closed) logUnclassified(err, 'attach websocket output');
    }
    if (!closed) socket.end(CLOSE_NORMAL);
  }

  /** Client bytes -> stdin; the client's half-close (FIN) ends the stream, which the backend sees as EOF. */
  private pipeInput(att: Attachment): void {
    const socket = this.socket;
    if (!att.pipeStdin) {
      socket.on('data', () => undefined);
      socket.resume();
      return;
    }
    const input = new PassThrough();
    if (this.head.length > 0) input.write(this.head);
    this.head = Buffer.alloc(0);
    socket.on('data', (b: Buffer) => { if (!input.write(b)) { socket.pause(); input.once('drain', () => socket.resume()); } });
    socket.once('end', () => input.end());
    socket.once('close', () => { if (!input.writableEnded) input.end(); });
    att.pipeStdin(input);
    socket.resume();
  }
}

// The server side of RFC 6455 that GET /containers/{id}/attach/ws needs, as dockerd's golang.org/x/net/websocket
// speaks it: the 101 handshake, one unmasked frame per output write (binary from API 1.28, text before), the
// client's masked frames read back as one byte stream (stdin), ping answered with pong, and a close frame with
// status 1000 when the output ends. Node 20 has no WebSocket server; this small part is written here rather
// than adding a package, because every helper's worktree shares one node_modules.
import { createHash } from 'node:crypto';
import { Writable, type Readable } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
export const OP = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

/** Sec-WebSocket-Accept for a client's Sec-WebSocket-Key. */
export function acceptKey(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

/** x/net/websocket's 101 reply, byte for byte. */
export function handshakeReply(key: string): string {
  return `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`;
}

/** One final, unmasked server frame. */
export function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  let head: Buffer;
  if (n < 126) {
    head = Buffer.from([0x80 | opcode, n]);
  } else if (n < 0x10000) {
    head = Buffer.alloc(4);
    head.writeUInt8(0x80 | opcode, 0); head.writeUInt8(126, 1); head.writeUInt16BE(n, 2);
  } else {
    head = Buffer.alloc(10);
    head.writeUInt8(0x80 | opcode, 0); head.writeUInt8(127, 1); head.writeBigUInt64BE(BigInt(n), 2);
  }
  return Buffer.concat([head, payload]);
}

/** The close frame x/net/websocket sends on Close(): status 1000, no reason. */
export const CLOSE_NORMAL = encodeFrame(OP.close, Buffer.from([0x03, 0xe8]));

export interface FrameHandlers {
  /** Payload bytes of data frames (text, binary and their continuations), in order. */
  data(payload: Buffer): void;
  /** A control frame the peer expects an answer to (ping -> pong), or its close. */
  control(opcode: number, payload: Buffer): void;
}

/** A writable that parses client frames (which must be masked) and hands payloads on. */
export class FrameDecoder extends Writable {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly handlers: FrameHandlers) { super(); }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error) => void): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    try {
      while (this.parseOne()) { /* next frame */ }
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  /** Parses one complete frame off the buffer; false when more bytes are needed. */
  private parseOne(): boolean {
    const b = this.buf;
    if (b.length < 2) return false;
    const opcode = b[0]! & 0x0f;
    const masked = (b[1]! & 0x80) !== 0;
    let len = b[1]! & 0x7f;
    let off = 2;
    if (len === 126) { if (b.length < 4) return false; len = b.readUInt16BE(2); off = 4; }
    else if (len === 127) { if (b.length < 10) return false; len = Number(b.readBigUInt64BE(2)); off = 10; }
    if (!masked) throw new Error('websocket: client frame not masked');
    if (b.length < off + 4 + len) return false;
    const mask = b.subarray(off, off + 4);
    const payload = Buffer.from(b.subarray(off + 4, off + 4 + len));
    for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i & 3]!;
    this.buf = b.subarray(off + 4 + len);
    if (opcode >= OP.close) this.handlers.control(opcode, payload);
    else if (payload.length) this.handlers.data(payload);
    return true;
  }
}

/** Reads client frames from `socket`; stdin gets the data bytes and ends on the peer's close frame or EOF. */
export function readFrames(socket: Readable, stdin: Writable, answer: (frame: Buffer) => void): void {
  const end = (): void => { if (!stdin.writableEnded) stdin.end(); };
  const decoder = new FrameDecoder({
    data: (payload) => { if (!stdin.writableEnded) stdin.write(payload); },
    control: (opcode, payload) => {
      if (opcode === OP.ping) answer(encodeFrame(OP.pong, payload));
      else if (opcode === OP.close) end();
    },
  });
  decoder.on('error', end);
  socket.on('end', end);
  socket.on('close', end);
  socket.pipe(decoder);
}

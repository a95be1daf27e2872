// The few things the server reads straight from DNS bytes (everything else goes through dns-packet).
export type Proto = 'udp' | 'tcp';

export interface Header { id: number; qr: boolean; opcode: number; aa: boolean; tc: boolean; rd: boolean; rcode: number; qdcount: number }

export function decodeHeader(msg: Buffer): Header | undefined {
  if (msg.length < 12) return undefined;
  const flags = msg.readUInt16BE(2);
  return {
    id: msg.readUInt16BE(0),
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0,
    rd: (flags & 0x0100) !== 0,
    rcode: flags & 0xf,
    qdcount: msg.readUInt16BE(4),
  };
}

/** Splits a TCP stream into its length-prefixed messages; returns the messages and the unread rest. */
export function splitTcpFrames(buf: Buffer): { frames: Buffer[]; rest: Buffer } {
  const frames: Buffer[] = [];
  let off = 0;
  while (buf.length - off >= 2) {
    const len = buf.readUInt16BE(off);
    if (buf.length - off - 2 < len) break;
    frames.push(buf.subarray(off + 2, off + 2 + len));
    off += 2 + len;
  }
  return { frames, rest: buf.subarray(off) };
}

export function tcpFrame(msg: Buffer): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(msg.length);
  return Buffer.concat([len, msg]);
}

// gzip without zlib's CRC-32, for layer streams whose output is verified anyway (the diffID is the sha256
// of every byte unpacked): on a 300 MB pull the CRC cost ~0.2 s of CPU for nothing. The first member is
// inflated raw; its 8-byte trailer is skipped. A stream of several members (valid gzip, rare for layers)
// hands everything after the first to zlib's own gunzip, which reads and checks them the usual way.
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip, createInflateRaw, type Gunzip } from 'node:zlib';

/** The length of the gzip member header at the start of `b`; undefined when not all there or not plain gzip. */
export function gzipHeaderLength(b: Buffer): number | undefined {
  if (b.length < 10 || b[0] !== 0x1f || b[1] !== 0x8b || b[2] !== 8) return undefined;
  const flags = b[3]!;
  if (flags & 0xe0) return undefined; // reserved bits: let zlib refuse it
  let p = 10;
  if (flags & 4) { if (b.length < p + 2) return undefined; p += 2 + b.readUInt16LE(p); } // FEXTRA
  for (const bit of [8, 16]) { // FNAME, FCOMMENT: zero-terminated
    if (!(flags & bit)) continue;
    const z = b.indexOf(0, p);
    if (z < 0) return undefined;
    p = z + 1;
  }
  if (flags & 2) p += 2; // FHCRC
  return p <= b.length ? p : undefined;
}

/** Inflates the gzip stream `input`, whose first bytes are `head` (enough to hold the header). */
export function gunzipRaw(input: Readable, head: Buffer): Readable | undefined {
  const headerLength = gzipHeaderLength(head);
  if (headerLength === undefined) return undefined;
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  const inflate = createInflateRaw({ chunkSize: 256 << 10 });
  let skip = headerLength;
  // Chunks given to the raw inflater and not yet known consumed (it reports consumption in bytesWritten).
  const given: Buffer[] = [];
  let givenFrom = 0;
  let firstDone = false;
  let after: Buffer[] = []; // what follows the first member's deflate data: trailer, then maybe more members
  let afterLength = 0;
  let rest: Gunzip | undefined;
  let garbage = false;
  let inputEnded = false;
  const fail = (err: Error) => { input.destroy(); inflate.destroy(); rest?.destroy(); out.destroy(err); };
  const forward = (from: Readable) => from.on('data', (c: Buffer) => {
    if (!out.write(c)) { from.pause(); out.once('drain', () => from.resume()); }
  });
  const finish = () => {
    if (!firstDone || rest || !inputEnded) return;
    out.end(); // at most the trailer (or trailing garbage, which gzip tools ignore too) came after
  };
  const feedAfter = (c: Buffer) => {
    if (rest) { if (!rest.write(c)) { input.pause(); rest.once('drain', () => input.resume()); } return; }
    if (garbage) return;
    after.push(c);
    afterLength += c.length;
    if (afterLength <= 8) return;
    const more = Buffer.concat(after).subarray(8);
    after = [];
    // Not another member: ignored, as igzip and unpigz ignore trailing garbage (the diffID covers the output).
    if (more[0] !== 0x1f) { garbage = true; return; }
    rest = createGunzip({ chunkSize: 256 << 10 });
    rest.on('error', fail);
    forward(rest);
    rest.on('end', () => out.end());
    rest.write(more);
    if (inputEnded) rest.end();
  };
  forward(inflate);
  inflate.on('error', fail);
  inflate.on('end', () => {
    firstDone = true;
    input.resume(); // it may wait for a drain the ended inflater will not send
    let off = inflate.bytesWritten - givenFrom;
    const leftover = given.splice(0);
    for (const c of leftover) {
      if (off >= c.length) { off -= c.length; continue; }
      feedAfter(c.subarray(off));
      off = 0;
    }
    finish();
  });
  input.on('data', (chunk: Buffer) => {
    let c = chunk;
    if (skip > 0) {
      const n = Math.min(skip, c.length);
      skip -= n;
      c = c.subarray(n);
      if (!c.length) return;
    }
    if (firstDone) { feedAfter(c); return; }
    given.push(c);
    // Drop what the inflater has consumed already.
    while (given.length && givenFrom + given[0]!.length <= inflate.bytesWritten) givenFrom += given.shift()!.length;
    if (!inflate.write(c)) { input.pause(); inflate.once('drain', () => input.resume()); }
  });
  input.on('end', () => {
    inputEnded = true;
    if (!firstDone) inflate.end(); // cut short: zlib reports "unexpected end of file"
    else if (rest) rest.end();
    else finish();
  });
  input.on('error', fail);
  // The consumer gone (a broken archive): stop reading, as pipeline() would.
  out.on('close', () => { if (!out.readableEnded) { input.destroy(); inflate.destroy(); rest?.destroy(); } });
  return out;
}

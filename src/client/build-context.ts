// The client side of POST /build (docker/cli's build context): the context directory as a tar stream,
// files read one at a time as the socket takes them, .dockerignore applied here so excluded files are
// never sent. The Dockerfile and .dockerignore are always sent (dockerd reads, then drops them if excluded);
// a Dockerfile from outside the context or from stdin travels as `.dockerfile.<random>`.
import { randomBytes } from 'node:crypto';
import { closeSync, lstatSync, openSync, readSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { IgnoreMatcher, readIgnoreFile } from '../units/index.js';

export interface ContextTarOptions {
  /** The Dockerfile's path relative to the context when it lies inside it. */
  dockerfileRel?: string;
  /** Dockerfile content to add under a random name (-f outside the context, -f -). */
  dockerfileData?: Buffer;
}

export interface ContextTar {
  stream: Readable;
  /** The name to pass as ?dockerfile=. */
  dockerfile: string;
  /** Bytes produced so far (for "Sending build context to Docker daemon"). */
  bytes(): number;
}

interface Hdr { name: string; mode: number; size: number; mtime: number; type: '0' | '2' | '5'; linkname?: string }

const octal = (b: Buffer, off: number, len: number, v: number): void => { b.write(`${v.toString(8).padStart(len - 1, '0')}\0`, off, len, 'latin1'); };

function paxBlock(records: Record<string, string>): Buffer {
  let body = '';
  for (const [k, v] of Object.entries(records)) {
    const rest = ` ${k}=${v}\n`;
    let len = Buffer.byteLength(rest) + 1;
    while (String(len).length + Buffer.byteLength(rest) !== len) len = String(len).length + Buffer.byteLength(rest);
    body += `${len}${rest}`;
  }
  const data = Buffer.from(body);
  return Buffer.concat([ustar({ name: 'PaxHeaders/x', mode: 0o644, size: data.length, mtime: 0, type: '0' }, 'x'), data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

/** One ustar header block (the fields docker's Go client fills: uid/gid 0, Go 1.8 type bits in mode). */
function ustar(h: Hdr, typeflag: string = h.type): Buffer {
  const b = Buffer.alloc(512);
  let name = h.name;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const i = name.lastIndexOf('/', name.length - 2);
    if (i > 0) { prefix = name.slice(0, i); name = name.slice(i + 1); }
  }
  b.write(name, 0, 100, 'utf8');
  octal(b, 100, 8, h.mode);
  octal(b, 108, 8, 0);
  octal(b, 116, 8, 0);
  octal(b, 124, 12, h.size);
  octal(b, 136, 12, h.mtime);
  b.write('        ', 148, 8, 'latin1');
  b.write(typeflag, 156, 1, 'latin1');
  if (h.linkname) b.write(h.linkname, 157, 100, 'utf8');
  b.write('ustar\u000000', 257, 8, 'latin1');
  octal(b, 329, 8, 0);
  octal(b, 337, 8, 0);
  if (prefix) b.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += b[i]!;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return b;
}

function header(h: Hdr): Buffer {
  const nameFits = Buffer.byteLength(h.name) <= 100 || (() => {
    const i = h.name.lastIndexOf('/', h.name.length - 2);
    return i > 0 && Buffer.byteLength(h.name.slice(i + 1)) <= 100 && Buffer.byteLength(h.name.slice(0, i)) <= 155;
  })();
  const linkFits = !h.linkname || Buffer.byteLength(h.linkname) <= 100;
  if (nameFits && linkFits) return ustar(h);
  const pax: Record<string, string> = {};
  if (!nameFits) pax.path = h.name;
  if (!linkFits) pax.linkpath = h.linkname!;
  return Buffer.concat([paxBlock(pax), ustar({ ...h, name: nameFits ? h.name : h.name.slice(-100), linkname: linkFits ? h.linkname : '' })]);
}

/**
 * The context as docker's client tars it (archive.TarWithOptions with ChownOpts 0:0): names relative,
 * directories with a trailing "/", the full st_mode (type bits kept, as Go 1.8 did), mtimes in seconds.
 * Files are read synchronously into 1 MiB batches: far cheaper than a stream per file for many small files.
 */
export async function buildContextTar(dir: string, opts: ContextTarOptions): Promise<ContextTar> {
  const ignoreText = await readFile(join(dir, '.dockerignore'), 'utf8').catch(() => '');
  const m = new IgnoreMatcher(readIgnoreFile(ignoreText));
  const keep = new Set(['.dockerignore', opts.dockerfileRel ?? 'Dockerfile']);
  const extraName = opts.dockerfileData ? `.dockerfile.${randomBytes(10).toString('hex')}` : undefined;
  let sent = 0;
  const secs = (st: Stats): number => Math.floor(st.mtimeMs / 1000);
  async function* entries(): AsyncGenerator<Buffer> {
    let batch: Buffer[] = [];
    let batched = 0;
    const push = (b: Buffer): void => { batch.push(b); batched += b.length; };
    const flush = (): Buffer => { const out = Buffer.concat(batch, batched); batch = []; batched = 0; sent += out.length; return out; };
    const walk = function* (rel: string): Generator<Buffer> {
      for (const name of readdirSync(join(dir, rel)).sort()) {
        const r = rel ? `${rel}/${name}` : name;
        const path = join(dir, r);
        const st = lstatSync(path);
        const excluded = !m.empty && !keep.has(r) && m.matches(r);
        if (excluded && !(st.isDirectory() && m.hasExclusions)) continue;
        if (st.isDirectory()) {
          if (!excluded) push(header({ name: `${r}/`, mode: st.mode, size: 0, mtime: secs(st), type: '5' }));
          yield* walk(r);
        } else if (st.isSymbolicLink()) push(header({ name: r, mode: st.mode, size: 0, mtime: secs(st), type: '2', linkname: readlinkSync(path) }));
        else if (st.isFile()) {
          push(header({ name: r, mode: st.mode, size: st.size, mtime: secs(st), type: '0' }));
          const fd = openSync(path, 'r');
          try {
            let left = st.size;
            while (left > 0) {
              const chunk = Buffer.allocUnsafe(Math.min(left, 1 << 20));
              const n = readSync(fd, chunk, 0, chunk.length, null);
              if (n <= 0) throw new Error(`${path}: file shrank while sending the build context`);
              push(n === chunk.length ? chunk : chunk.subarray(0, n));
              left -= n;
              if (batched >= 1 << 20) yield flush();
            }
          } finally { closeSync(fd); }
          const pad = (512 - (st.size % 512)) % 512;
          if (pad) push(Buffer.alloc(pad));
        }
        if (batched >= 1 << 20) yield flush();
      }
    };
    yield* walk('');
    if (extraName) {
      const data = opts.dockerfileData!;
      push(header({ name: extraName, mode: 0o100600, size: data.length, mtime: Math.floor(Date.now() / 1000), type: '0' }));
      push(data);
      push(Buffer.alloc((512 - (data.length % 512)) % 512));
    }
    push(Buffer.alloc(1024));
    yield flush();
  }
  return { stream: Readable.from(entries(), { objectMode: false }), dockerfile: extraName ?? opts.dockerfileRel ?? '', bytes: () => sent };
}

// The client side of POST /build (docker/cli's build context): the context directory as a tar stream,
// files read one at a time as the socket takes them, .dockerignore applied here so excluded files are
// never sent. The Dockerfile and .dockerignore are always sent (dockerd reads, then drops them if excluded);
// a Dockerfile from outside the context or from stdin travels as `.dockerfile.<random>`.
import { randomBytes } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import type * as tar from 'tar-stream';

type H = Partial<tar.Header> & Pick<tar.Header, 'name'>;
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

export async function buildContextTar(dir: string, opts: ContextTarOptions): Promise<ContextTar> {
  const ignoreText = await readFile(join(dir, '.dockerignore'), 'utf8').catch(() => '');
  const m = new IgnoreMatcher(readIgnoreFile(ignoreText));
  const keep = new Set(['.dockerignore', opts.dockerfileRel ?? 'Dockerfile']);
  // Loaded here, not at the top: every CLI command imports client/, and tar-stream costs ~35 ms at start-up.
  const { pack: newPack } = await import('tar-stream');
  const pack = newPack();
  let sent = 0;
  const counted = new Transform({ transform(chunk: Buffer, _enc, cb) { sent += chunk.length; cb(null, chunk); } });
  pack.on('error', (err) => counted.destroy(err));
  pack.pipe(counted);
  const extraName = opts.dockerfileData ? `.dockerfile.${randomBytes(10).toString('hex')}` : undefined;
  const entry = (h: H, body?: Buffer | string): Promise<void> =>
    new Promise((resolve, reject) => { pack.entry(h, body ?? '', (err) => (err ? reject(err) : resolve())); });
  const fileEntry = (h: H, path: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const w = pack.entry(h, (err) => (err ? reject(err) : resolve()));
      createReadStream(path).on('error', reject).pipe(w);
    });
  const header = (name: string, st: Stats): H => ({ name, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime });
  const walk = async (rel: string): Promise<void> => {
    for (const name of (await readdir(join(dir, rel))).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const path = join(dir, r);
      const st = await lstat(path);
      const excluded = !m.empty && !keep.has(r) && m.matches(r);
      if (excluded && !(st.isDirectory() && m.hasExclusions)) continue;
      if (st.isDirectory()) {
        if (!excluded) await entry({ ...header(r, st), type: 'directory' });
        await walk(r);
      } else if (st.isSymbolicLink()) await entry({ ...header(r, st), type: 'symlink', linkname: await readlink(path) });
      else if (st.isFile()) await fileEntry({ ...header(r, st), type: 'file', size: st.size }, path);
    }
  };
  void (async () => {
    try {
      await walk('');
      if (extraName) await entry({ name: extraName, mode: 0o600, mtime: new Date(), type: 'file', size: opts.dockerfileData!.length }, opts.dockerfileData!);
      pack.finalize();
    } catch (err) {
      pack.destroy(err as Error);
    }
  })();
  return { stream: counted, dockerfile: extraName ?? opts.dockerfileRel ?? '', bytes: () => sent };
}

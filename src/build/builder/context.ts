// The build context: the client's tar (plain or compressed) streamed onto disk under <root>/build/tmp, never
// held in memory, then .dockerignore applied the way dockerd's remotecontext does (the Dockerfile and
// .dockerignore are read first and removed afterwards if the patterns exclude them).
import { mkdtemp, readFile, readdir, rm, lstat, mkdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { InvalidParameter, SystemError } from '../../errors.js';
import { decompress, unpackTar } from '../../snapshots/index.js';
import { IgnoreMatcher, readIgnoreFile } from '../../units/index.js';
import { resolveInContext } from './paths.js';

export interface BuildContext {
  dir: string;
  dockerfileText: string;
  dockerfileName: string;
  close(): Promise<void>;
}

export async function receiveContext(tmpRoot: string, body: Readable, dockerfile: string): Promise<BuildContext> {
  await mkdir(tmpRoot, { recursive: true });
  const dir = await mkdtemp(join(tmpRoot, 'ctx-'));
  const close = () => rm(dir, { recursive: true, force: true });
  try {
    await unpackTar(await decompress(body), dir);
    const name = dockerfile || 'Dockerfile';
    const dfPath = await resolveInContext(dir, name, true).catch(() => undefined);
    let text: string | undefined;
    if (dfPath) text = await readFile(dfPath, 'utf8').catch(() => undefined);
    if (text === undefined && !dockerfile) {
      // dockerd also accepts a lower-case dockerfile when none was named.
      const alt = await resolveInContext(dir, 'dockerfile', true).catch(() => undefined);
      if (alt) text = await readFile(alt, 'utf8').catch(() => undefined);
    }
    if (text === undefined) throw new SystemError(`Cannot locate specified Dockerfile: ${name}`);
    await applyDockerignore(dir, name);
    return { dir, dockerfileText: text, dockerfileName: name, close };
  } catch (err) {
    await close();
    if (err instanceof InvalidParameter || err instanceof SystemError) throw err;
    throw new InvalidParameter(`failed to read the build context: ${(err as Error).message}`, { cause: err });
  }
}

async function applyDockerignore(dir: string, dockerfile: string): Promise<void> {
  const text = await readFile(join(dir, '.dockerignore'), 'utf8').catch(() => undefined);
  if (text === undefined) return;
  const m = new IgnoreMatcher(readIgnoreFile(text));
  if (m.empty) return;
  const walk = async (rel: string): Promise<void> => {
    for (const name of await readdir(join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      const st = await lstat(join(dir, r));
      if (m.matches(r)) {
        // An excluded directory may still hold re-included ("!") paths.
        if (st.isDirectory() && m.hasExclusions) { await walk(r); continue; }
        await rm(join(dir, r), { recursive: true, force: true });
        continue;
      }
      if (st.isDirectory()) await walk(r);
    }
  };
  await walk('');
  void posix; void dockerfile;
}

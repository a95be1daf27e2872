// The build context: the client's tar (plain or compressed) streamed onto disk under <root>/build/tmp as one
// file, never held in memory and never unpacked (context-index.ts), then .dockerignore applied to the index
// the way dockerd's remotecontext does (the Dockerfile and .dockerignore are read first and dropped afterwards
// if the patterns exclude them).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { InvalidParameter, SystemError } from '../../errors.js';
import { decompress } from '../../snapshots/index.js';
import { IgnoreMatcher, readIgnoreFile } from '../../units/index.js';
import { ContextIndex } from './context-index.js';

export interface BuildContext {
  index: ContextIndex;
  /** A scratch directory of this build (downloads, unpacked archives). */
  dir: string;
  dockerfileText: string;
  dockerfileName: string;
  close(): Promise<void>;
}

export async function receiveContext(tmpRoot: string, body: Readable, dockerfile: string): Promise<BuildContext> {
  await mkdir(tmpRoot, { recursive: true });
  const dir = await mkdtemp(join(tmpRoot, 'ctx-'));
  let index: ContextIndex | undefined;
  const close = () => { index?.close(); return rm(dir, { recursive: true, force: true }); };
  try {
    const ix = await ContextIndex.receive(await decompress(body), join(dir, 'context.tar'));
    index = ix;
    const name = dockerfile || 'Dockerfile';
    const read = (n: string): string | undefined => {
      const e = ix.get(ix.resolve(n, true));
      return e && (e.kind === 'file' || e.kind === 'link') ? ix.readText(e) : undefined;
    };
    let text = read(name);
    // dockerd also accepts a lower-case dockerfile when none was named.
    if (text === undefined && !dockerfile) text = read('dockerfile');
    if (text === undefined) throw new SystemError(`Cannot locate specified Dockerfile: ${name}`);
    applyDockerignore(ix);
    return { index: ix, dir, dockerfileText: text, dockerfileName: name, close };
  } catch (err) {
    await close();
    if (err instanceof InvalidParameter || err instanceof SystemError) throw err;
    throw new InvalidParameter(`failed to read the build context: ${(err as Error).message}`, { cause: err });
  }
}

function applyDockerignore(index: ContextIndex): void {
  const e = index.get('.dockerignore');
  if (!e || e.kind !== 'file') return;
  const m = new IgnoreMatcher(readIgnoreFile(index.readText(e)));
  if (m.empty) return;
  const walk = (rel: string): void => {
    for (const name of index.list(rel)) {
      const r = rel ? `${rel}/${name}` : name;
      const ent = index.get(r);
      if (!ent) continue;
      if (m.matches(r)) {
        // An excluded directory may still hold re-included ("!") paths.
        if (ent.kind === 'dir' && m.hasExclusions) { walk(r); continue; }
        index.remove(r);
        continue;
      }
      if (ent.kind === 'dir') walk(r);
    }
  };
  walk('');
}

// The build context: the client's tar (plain or compressed) streamed onto disk under <root>/build/tmp as one
// file, never held in memory and never unpacked (context-index.ts), then .dockerignore applied to the index
// the way dockerd's remotecontext does (the Dockerfile and .dockerignore are read first and dropped afterwards
// if the patterns exclude them).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { InvalidParameter, SystemError } from '../../errors.js';
import { decompress, detectCompression } from '../../snapshots/index.js';
import { IgnoreMatcher, readIgnoreFile } from '../../units/index.js';
import { ContextIndex, type EagerSelector } from './context-index.js';
import { instructionsFromAst } from '../parser/instructions.js';
import { parseDockerfile } from '../parser/parser.js';

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
    const dfName = posix.normalize(`/${dockerfile || 'Dockerfile'}`).slice(1);
    const ix = await ContextIndex.receive(join(dir, 'context.tar'), { ...(await plainOrDecompressed(body)), dockerfile: { name: dfName, select: copySelector } });
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

/**
 * A plain tar (what both CLIs send) is read straight from the request, its first chunk handed over apart
 * (decompress() re-chunks and copies every buffer). Compressed contexts go through decompress().
 */
async function plainOrDecompressed(body: Readable): Promise<{ head?: Buffer; rest: Readable }> {
  const head = await new Promise<Buffer | null>((resolve, reject) => {
    const done = (chunk: Buffer | null): void => {
      body.pause();
      body.off('data', done); body.off('end', ended); body.off('error', reject);
      resolve(chunk);
    };
    const ended = (): void => done(null);
    body.on('data', done); body.once('end', ended); body.once('error', reject);
  });
  if (head === null) return { rest: Readable.from([]) };
  if (head.length >= 6 && detectCompression(head) === 'none') return { head, rest: body };
  return { rest: await decompress(Readable.from((async function* () { yield head; if (!body.readableEnded) yield* body; })())) };
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

/**
 * The context files worth checksumming while the upload streams (ContextIndex.receive): those under the
 * literal part of each COPY/ADD source of the Dockerfile (not --from). A source with a variable may name
 * anything: then every file is. Sources reached through symlinks, ONBUILD triggers of the base image and
 * Dockerfiles that fail to parse are simply hashed later, when a step asks (the sums are the same).
 */
export function copySelector(text: string): EagerSelector | undefined {
  let instructions;
  try { instructions = instructionsFromAst(parseDockerfile(text).ast); } catch { return undefined; }
  const prefixes = new Set<string>();
  for (const ins of instructions) {
    if (ins.kind !== 'copy' && ins.kind !== 'add') continue;
    if (ins.kind === 'copy' && ins.from) continue;
    for (const src of ins.sources) {
      if (/^https?:\/\//.test(src)) continue;
      if (/[$\\`]/.test(src)) return () => true;
      const glob = src.search(/[*?[]/);
      let lit = glob < 0 ? src : src.slice(0, glob);
      if (glob >= 0) lit = lit.slice(0, lit.lastIndexOf('/') + 1);
      const p = posix.normalize(`/${lit}`).slice(1).replace(/\/$/, '');
      if (p === '') return () => true;
      prefixes.add(p);
    }
  }
  if (!prefixes.size) return undefined;
  const list = [...prefixes];
  return (name) => list.some((p) => name === p || (name.startsWith(p) && name[p.length] === '/'));
}

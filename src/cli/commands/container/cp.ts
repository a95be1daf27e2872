// docker cp (20.10: silent on success, no "Successfully copied" line): CONTAINER:SRC_PATH DEST_PATH|- or
// SRC_PATH|- CONTAINER:DEST_PATH, with docker's path rules: an existing directory receives the source by
// its base name, "src/." copies a directory's contents, a missing destination takes the source's content
// under the destination's name, "-" streams a tar on stdin/stdout.
import { constants, createReadStream } from 'node:fs';
import { chmod, lstat, mkdir, open, readdir, readlink, stat, symlink, unlink, utimes } from 'node:fs/promises';
import { basename, dirname, join, posix, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import type { Client } from '../../../client/index.js';
import { isNotFound } from '../../../errors.js';
import type { Command, Ctx } from '../../command.js';
import { StatusError } from '../../command.js';
import type { FlagValues } from '../../flags.js';

const GO_DIR = 2 ** 31;
const GO_SYMLINK = 2 ** 27;

function splitArg(arg: string): [string | undefined, string] {
  if (arg.startsWith('/') || arg.startsWith('.')) return [undefined, arg];
  const i = arg.indexOf(':');
  return i < 0 ? [undefined, arg] : [arg.slice(0, i), arg.slice(i + 1)];
}

const trailingDot = (p: string) => p.endsWith('/.') || p === '.';
const trailingSep = (p: string) => p.endsWith('/');

async function statOrNotFound(client: Client, ctr: string, path: string) {
  try { return await client.containerStatPath(ctr, path); } catch (err) {
    if (isNotFound(err)) throw new StatusError(`Error: No such container:path: ${ctr}:${path}`, 1);
    throw err;
  }
}

async function copyFrom(ctx: Ctx, client: Client, ctr: string, src: string, dst: string, follow: boolean): Promise<void> {
  let srcPath = src;
  let st = await statOrNotFound(client, ctr, srcPath);
  if (follow && (st.mode & GO_SYMLINK) && st.linkTarget) { srcPath = st.linkTarget; st = await statOrNotFound(client, ctr, srcPath); }
  const res = await client.containerGetArchive(ctr, srcPath);
  if (dst === '-') {
    // Not pipeline(): it would end the process's stdout.
    await new Promise<void>((resolve, reject) => { res.on('end', resolve); res.on('error', reject); res.pipe(ctx.io.stdout, { end: false }); });
    return;
  }
  const srcIsDir = (st.mode & GO_DIR) !== 0;
  const dstStat = await stat(dst).catch(() => undefined);
  let into: string; let rename: string | undefined;
  if (dstStat?.isDirectory()) {
    into = dst;
    if (srcIsDir && trailingDot(src)) rename = undefined; // entries are "./..."
  } else if (dstStat) {
    if (srcIsDir) throw new StatusError('cannot copy directory', 1);
    into = dirname(resolve(dst)); rename = basename(dst);
  } else {
    if (trailingSep(dst) && !srcIsDir) throw new StatusError('no such directory', 1);
    const parent = dirname(resolve(dst));
    if (!(await stat(parent).catch(() => undefined))?.isDirectory()) throw new StatusError(`Error: destination directory "${parent}" does not exist`, 1);
    into = parent; rename = basename(resolve(dst));
    if (srcIsDir && trailingDot(src)) { await mkdir(resolve(dst)); into = resolve(dst); rename = undefined; }
  }
  await extractLocal(res, into, st.name, rename);
}

/** Untars into `dir`, renaming the top entry `top` to `rename`; refuses entries that climb out. */
async function extractLocal(body: Readable, dir: string, top: string, rename: string | undefined): Promise<void> {
  const ex = tar.extract();
  const work = (async () => {
    for await (const raw of ex) {
      const entry = raw as unknown as Readable & { header: { name: string; type: string; mode?: number; mtime?: Date; linkname?: string | null } };
      const h = entry.header;
      let name = posix.normalize(h.name).replace(/\/+$/, '');
      if (rename !== undefined && (name === top || name.startsWith(`${top}/`))) name = rename + name.slice(top.length);
      if (name === '.' || name === '') { entry.resume(); continue; }
      if (name.startsWith('../') || name === '..' || name.startsWith('/')) throw new StatusError(`Error: invalid archive entry ${h.name}`, 1);
      const target = join(dir, name);
      const existing = await lstat(target).catch(() => undefined);
      if (h.type === 'directory') {
        if (!existing) await mkdir(target, { mode: 0o755 });
      } else {
        if (existing && !existing.isDirectory()) await unlink(target);
        if (h.type === 'file' || h.type === 'contiguous-file') {
          const fh = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
          await pipeline(entry, fh.createWriteStream());
        }
        else if (h.type === 'symlink') await symlink(h.linkname ?? '', target);
      }
      if (h.type !== 'symlink' && (h.type === 'directory' || h.type === 'file' || h.type === 'contiguous-file')) {
        await chmod(target, (h.mode ?? 0o644) & 0o7777);
        if (h.mtime) await utimes(target, h.mtime, h.mtime);
      }
      entry.resume();
    }
  })();
  await Promise.all([pipeline(body, ex), work]);
}

async function packLocal(pack: tar.Pack, path: string, name: string, follow: boolean): Promise<void> {
  const st = follow ? await stat(path) : await lstat(path);
  const base = { name, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime };
  if (st.isDirectory()) {
    pack.entry({ ...base, name: `${name}/`, type: 'directory' });
    for (const c of (await readdir(path)).sort()) await packLocal(pack, join(path, c), `${name}/${c}`, false);
  } else if (st.isSymbolicLink()) {
    pack.entry({ ...base, type: 'symlink', linkname: await readlink(path) });
  } else if (st.isFile()) {
    await pipeline(createReadStream(path), pack.entry({ ...base, type: 'file', size: st.size }));
  }
}

async function copyTo(ctx: Ctx, client: Client, src: string, ctr: string, dst: string, follow: boolean, archive: boolean): Promise<void> {
  const opts = { noOverwriteDirNonDir: true, copyUIDGID: archive };
  if (src === '-') {
    const st = await statOrNotFound(client, ctr, dst);
    if (!(st.mode & GO_DIR)) throw new StatusError(`destination "${ctr}:${dst}" must be a directory`, 1);
    await client.containerPutArchive(ctr, dst, ctx.io.stdin, opts);
    return;
  }
  const local = await (follow ? stat(src) : lstat(src)).catch(() => undefined);
  if (!local) throw new StatusError(`lstat ${resolve(src)}: no such file or directory`, 1);
  let dstStat: { mode: number } | undefined;
  try { dstStat = await client.containerStatPath(ctr, dst); } catch (err) {
    if (!(isNotFound(err))) throw err;
  }
  let dir: string; let name: string;
  if (dstStat && (dstStat.mode & GO_DIR)) { dir = dst; name = trailingDot(src) && local.isDirectory() ? '.' : basename(resolve(src)); } else {
    if (dstStat && local.isDirectory()) throw new StatusError('cannot copy directory', 1);
    if ((!dstStat || !(dstStat.mode & GO_DIR)) && trailingSep(dst) && !local.isDirectory()) throw new StatusError('no such directory', 1);
    dir = posix.dirname(dst.replace(/\/+$/, '')) || '/'; name = posix.basename(dst.replace(/\/+$/, ''));
  }
  // A missing container: docker's CopyToContainer answer, without sending an archive the daemon would refuse.
  if (!dstStat) {
    await client.containerInspect(ctr).catch((err: unknown) => {
      throw isNotFound(err) ? new StatusError(`Error: No such container:path: ${ctr}:${dir}`, 1) : err;
    });
  }
  const pack = tar.pack();
  // The request can fail while the archive is still being packed (a missing container): keep its error,
  // stop packing, and report it as docker's CopyToContainer does ("Error: No such container:path: x:/dir").
  let failed: unknown;
  const sending = client.containerPutArchive(ctr, dir, pack as unknown as Readable, opts).catch((err: unknown) => { failed = err; pack.destroy(); });
  try {
    await packLocal(pack, src, name, follow);
    pack.finalize();
  } catch (err) {
    if (failed === undefined) throw err;
  }
  await sending;
  if (failed !== undefined) {
    if (isNotFound(failed)) throw new StatusError(`Error: No such container:path: ${ctr}:${dir}`, 1);
    throw failed;
  }
}

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const [srcCtr, src] = splitArg(args[0]!);
  const [dstCtr, dst] = splitArg(args[1]!);
  if (src === '') throw new StatusError('source can not be empty', 1);
  if (dst === '') throw new StatusError('destination can not be empty', 1);
  if (srcCtr !== undefined && dstCtr !== undefined) throw new StatusError('copying between containers is not supported', 1);
  if (srcCtr === undefined && dstCtr === undefined) throw new StatusError('must specify at least one container source', 1);
  const client = await ctx.client();
  const follow = flags['follow-link'] === true;
  if (srcCtr !== undefined) await copyFrom(ctx, client, srcCtr, src, dst, follow);
  else await copyTo(ctx, client, src, dstCtr!, dst, follow, flags.archive === true);
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tdocker cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
    short: 'Copy files/folders between a container and the local filesystem',
    flags: [
      { name: 'archive', short: 'a', type: 'bool', usage: 'Archive mode (copy all uid/gid information)' },
      { name: 'follow-link', short: 'L', type: 'bool', usage: 'Always follow symbol link in SRC_PATH' },
    ],
    args: { kind: 'exact', n: 2 },
  },
  run,
};
export default command;

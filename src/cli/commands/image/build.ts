// docker build (the classic builder's client, DOCKER_BUILDKIT=0): the context (a directory, or a tar on
// stdin with "-"), "Sending build context to Docker daemon  N", then the daemon's stream as docker prints
// it. A failing step exits with the step's code; -q prints only the image ID; --iidfile writes it.
import { lstat, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { buildContextTar, isDaemonError, jsonLines, type JsonMessage } from '../../../client/index.js';
import { PROG, StatusError, type Command, type Ctx } from '../../command.js';
import { parseRef } from '../../image-ref.js';
import type { FlagValues } from '../../flags.js';
import { humanSize } from '../../format/units.js';

function keyValues(list: string[] | undefined, env: NodeJS.ProcessEnv, fromEnv: boolean): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const item of list ?? []) {
    const i = item.indexOf('=');
    if (i >= 0) out[item.slice(0, i)] = item.slice(i + 1);
    else out[item] = fromEnv ? env[item] ?? null : '';
  }
  return out;
}

async function readStdin(s: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const contextArg = args[0]!;
  const file = flags.file as string | undefined;
  let body: Readable = Readable.from([]);
  let dockerfile = '';
  let bytes = (): number => 0;
  // -t's flag validator (validateTag): a flag error, exit 125.
  for (const t of (flags.tag as string[] | undefined) ?? []) {
    try { parseRef(t); } catch (err) {
      throw new StatusError(`invalid argument ${JSON.stringify(t)} for "-t, --tag" flag: ${(err as Error).message}\nSee '${PROG} ${ctx.cmdPath} --help'.`, 125);
    }
  }
  let tempDir: string | undefined;
  let contextDir = contextArg;
  if (contextArg === '-') {
    if (file === '-') throw new StatusError('invalid argument: can\'t use stdin for both build context and dockerfile', 1);
    // DetectArchiveReader: a tar (plain or compressed) is the context; anything else is a Dockerfile,
    // written to a temp dir that becomes the context (WriteTempDockerfile).
    const data = await readStdin(ctx.io.stdin);
    if (isArchive(data)) {
      body = Readable.from([data]);
      dockerfile = file ?? '';
      bytes = () => data.length;
    } else {
      tempDir = await mkdtemp(join(tmpdir(), 'docker-build-tempdockerfile-'));
      await writeFile(join(tempDir, 'Dockerfile'), data);
      contextDir = tempDir;
    }
  }
  if (contextDir !== '-') {
    const dir = resolve(contextDir);
    if (!(await stat(dir).catch(() => undefined))) throw new StatusError(`unable to prepare context: path ${JSON.stringify(contextArg)} not found`, 1);
    let dockerfileRel: string | undefined;
    let dockerfileData: Buffer | undefined;
    if (file === '-') dockerfileData = await readStdin(ctx.io.stdin);
    else {
      const df = file ? resolve(file) : join(dir, 'Dockerfile');
      const rel = relative(dir, df);
      if (rel.startsWith('..') || isAbsolute(rel)) {
        dockerfileData = await readFile(df).catch(() => { throw new StatusError(`unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${df}: no such file or directory`, 1); });
      } else {
        if (!(await lstat(df).catch(() => undefined))) throw new StatusError(`unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${df}: no such file or directory`, 1);
        dockerfileRel = rel;
      }
    }
    const tarred = await buildContextTar(dir, { dockerfileRel, dockerfileData });
    body = tarred.stream;
    dockerfile = tarred.dockerfile;
    bytes = tarred.bytes;
  }
  try {
    return await send(ctx, flags, body, dockerfile, bytes);
  } finally {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  }
}

/** Tar, gzip, bzip2, xz or zstd magic: what archive.DetectCompression and a tar header check accept. */
function isArchive(b: Buffer): boolean {
  if (b.length >= 262 && b.toString('latin1', 257, 262) === 'ustar') return true;
  const starts = (...m: number[]) => m.every((x, i) => b[i] === x);
  return starts(0x1f, 0x8b, 0x08) || starts(0x42, 0x5a, 0x68) || starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00) || starts(0x28, 0xb5, 0x2f, 0xfd);
}

async function send(ctx: Ctx, flags: FlagValues, body: Readable, dockerfile: string, bytes: () => number): Promise<number> {
  const quiet = flags.quiet === true;
  const query: Record<string, string | string[] | undefined> = {
    t: (flags.tag as string[] | undefined) ?? [],
    dockerfile: dockerfile || undefined,
    buildargs: JSON.stringify(keyValues(flags['build-arg'] as string[] | undefined, ctx.env, true)),
    labels: JSON.stringify(keyValues(flags.label as string[] | undefined, ctx.env, false)),
    target: (flags.target as string | undefined) || undefined,
    nocache: flags['no-cache'] === true ? '1' : undefined,
    pull: flags.pull === true ? '1' : undefined,
    q: quiet ? '1' : undefined,
    rm: flags.rm === false ? '0' : '1',
    forcerm: flags['force-rm'] === true ? '1' : undefined,
    networkmode: (flags.network as string | undefined) || 'default',
    extrahosts: (flags['add-host'] as string[] | undefined) ?? [],
    cachefrom: JSON.stringify((flags['cache-from'] as string[] | undefined) ?? null),
  };
  const client = await ctx.client();
  // -q: the upload progress and the build output go to buffers that are printed on stderr only when the
  // build fails (docker/cli's progBuff and buildBuff); on success only the image ID is printed.
  let buffered = '';
  const out = (s: string) => { if (quiet) buffered += s; else ctx.io.out(s); };
  const failed = (err: unknown): never => { if (quiet && buffered) ctx.io.err(buffered); throw err; };
  // The upload's last progress line comes out whether or not the daemon then refuses the build.
  const sent = () => out(`Sending build context to Docker daemon ${humanSize(bytes()).padStart(8)}\r\r\n`);
  const res = await client.imageBuild(body, query).catch((err: unknown) => { if (isDaemonError(err)) sent(); return failed(err); });
  sent();
  let imageId = '';
  let quietId = '';
  for await (const m of jsonLines<JsonMessage & { aux?: { ID?: string } }>(res)) {
    if (m.errorDetail || m.error) {
      const code = (m.errorDetail as { code?: number } | undefined)?.code;
      failed(new StatusError(m.errorDetail?.message ?? m.error ?? '', code && code > 0 ? code : 1));
    }
    if (m.aux !== undefined) { if (m.aux.ID) imageId = m.aux.ID; continue; }
    if (m.stream !== undefined) { out(m.stream); if (quiet) quietId += m.stream; }
    else if (m.status !== undefined) out(`${m.id ? `${m.id}: ` : ''}${m.status}\n`);
  }
  // docker/cli takes the ID from the -q output itself, newline included (it ends up in --iidfile too).
  if (quiet) { ctx.io.out(quietId); imageId = quietId; }
  const iidfile = flags.iidfile as string | undefined;
  if (iidfile) {
    await rm(iidfile, { force: true });
    if (imageId) await writeFile(iidfile, imageId);
  }
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS] PATH | URL | -',
    short: 'Build an image from a Dockerfile',
    flags: [
      { name: 'add-host', type: 'list', usage: 'Add a custom host-to-IP mapping (host:ip)' },
      { name: 'build-arg', type: 'list', usage: 'Set build-time variables' },
      { name: 'cache-from', type: 'list', usage: 'Images to consider as cache sources' },
      { name: 'file', short: 'f', type: 'string', usage: 'Name of the Dockerfile (Default is \'PATH/Dockerfile\')' },
      { name: 'force-rm', type: 'bool', usage: 'Always remove intermediate containers' },
      { name: 'iidfile', type: 'string', usage: 'Write the image ID to the file' },
      { name: 'label', type: 'list', usage: 'Set metadata for an image' },
      { name: 'network', type: 'string', usage: 'Set the networking mode for the RUN instructions during build (default "default")' },
      { name: 'no-cache', type: 'bool', usage: 'Do not use cache when building the image' },
      { name: 'progress', type: 'string', usage: 'Set type of progress output (auto, plain, tty). Use plain to show container output (default "auto")' },
      { name: 'pull', type: 'bool', usage: 'Always attempt to pull a newer version of the image' },
      { name: 'quiet', short: 'q', type: 'bool', usage: 'Suppress the build output and print image ID on success' },
      { name: 'rm', type: 'bool', usage: 'Remove intermediate containers after a successful build (default true)' },
      { name: 'tag', short: 't', type: 'list', usage: 'Name and optionally a tag in the \'name:tag\' format' },
      { name: 'target', type: 'string', usage: 'Set the target build stage to build.' },
    ],
    args: { kind: 'exact', n: 1 },
  },
  run,
};
export default command;

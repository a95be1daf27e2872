// The build half of the API Backend: POST /build and POST /build/prune, over build/'s Builder. RUN steps run
// as ordinary containers of the ContainerManager (same runtime, monitor and networking as `docker run`).
import type { Backend } from '../api/index.js';
import { Builder, type BuildOptions, type RunOptions, type RunResult } from '../build/index.js';
import type { ContainerManager } from '../containers/index.js';
import { InvalidParameter } from '../errors.js';
import { parseReference, withDefaultTag, type ImageStore } from '../images/index.js';
import type { RegistryService } from '../registry/index.js';
import type { Snapshotter } from '../snapshots/index.js';
import { toAuthConfig } from './registry-backend.js';

type BuildMethods = Pick<Backend, 'build' | 'pruneBuildCache'>;

export interface BuildDeps {
  dataRoot: string;
  images: ImageStore;
  snapshots: Snapshotter;
  containers: ContainerManager;
  registry: RegistryService;
}

function jsonParam<T>(q: Record<string, string[]>, name: string, fallback: T): T {
  const v = q[name]?.[0];
  if (!v) return fallback;
  try { return JSON.parse(v) as T; } catch { throw new InvalidParameter(`failed to parse ${name}: invalid JSON`); }
}

const flag = (q: Record<string, string[]>, name: string, dflt = false): boolean => {
  const v = q[name]?.[0];
  if (v === undefined || v === '') return dflt;
  return v === '1' || v.toLowerCase() === 'true';
};

export function buildOptions(q: Record<string, string[]>): BuildOptions {
  return {
    tags: (q.t ?? []).filter((t) => t !== ''),
    dockerfile: q.dockerfile?.[0] ?? '',
    buildArgs: jsonParam<Record<string, string | null>>(q, 'buildargs', {}),
    labels: jsonParam<Record<string, string>>(q, 'labels', {}),
    target: q.target?.[0] || undefined,
    noCache: flag(q, 'nocache'),
    pull: flag(q, 'pull'),
    quiet: flag(q, 'q'),
    rm: flag(q, 'rm', true),
    forceRm: flag(q, 'forcerm'),
    networkMode: q.networkmode?.[0] || 'default',
    // The docker CLI always sends it ("null" when unset): only a non-empty list restricts the cache.
    cacheFrom: (jsonParam<string[] | null>(q, 'cachefrom', null) ?? []).length ? jsonParam<string[]>(q, 'cachefrom', []) : undefined,
    // Each value one "host:ip" (the docker CLI and docker-py repeat the parameter).
    extraHosts: (q.extrahosts ?? []).flatMap((v) => v.split(',')).filter((v) => v !== ''),
  };
}

/**
 * A RUN's output in the chunks dockerd would have read: its pipes from containerd sit behind a FIFO, so the
 * separate writes a process makes in one go ("/bin/sh: ", "x: not found", "\n" from busybox) reach the
 * build stream as one message, and one colour-wrapped stderr line. Chunks of one stream are merged until
 * the other stream writes or 15 ms pass.
 */
function coalesced(emit: (stream: 'stdout' | 'stderr', data: Buffer) => void) {
  let stream: 'stdout' | 'stderr' | undefined;
  let chunks: Buffer[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (stream && chunks.length) emit(stream, Buffer.concat(chunks));
    chunks = [];
  };
  return {
    push(s: 'stdout' | 'stderr', data: Buffer) {
      if (s !== stream) flush();
      stream = s;
      chunks.push(data);
      timer ??= setTimeout(flush, 15);
    },
    flush,
  };
}

async function runContainer(containers: ContainerManager, o: RunOptions): Promise<RunResult> {
  const body = { ...o.config, AttachStdout: true, AttachStderr: true, HostConfig: { NetworkMode: o.networkMode, ExtraHosts: o.extraHosts?.length ? o.extraHosts : null } };
  const { Id: id } = await containers.create(undefined, body);
  const remove = () => containers.remove(id, { force: true });
  try {
    const att = await containers.attach(id, { stdin: false, stdout: true, stderr: true, logs: false, stream: true });
    o.onStart(id);
    const drained = (async () => {
      const out = coalesced(o.onOutput);
      for await (const c of att.output) out.push(c.stream, c.data);
      out.flush();
    })();
    const waited = containers.wait(id, 'next-exit');
    await containers.start(id);
    const res = await waited;
    await drained;
    return { containerId: id, exitCode: res.StatusCode, snapshotKey: id, remove };
  } catch (err) {
    await remove().catch(() => undefined);
    throw err;
  }
}

export async function buildBackend(d: BuildDeps): Promise<BuildMethods & { builder: Builder }> {
  const builder = await Builder.open({
    dataRoot: d.dataRoot,
    images: d.images,
    snapshots: d.snapshots,
    runContainer: (o) => runContainer(d.containers, o),
    async pull(name, emit, signal) {
      const ref = withDefaultTag(parseReference(name));
      for await (const m of d.registry.pull({ ref, allTags: false, auth: toAuthConfig(undefined), signal })) emit(m as Record<string, unknown>);
    },
  });
  return {
    builder,
    async build(query, context, _auth, ctx) {
      return builder.build(context, buildOptions(query), ctx.signal);
    },
    async pruneBuildCache(filters) {
      return builder.prune(filters.all?.includes('true') ?? false);
    },
  };
}

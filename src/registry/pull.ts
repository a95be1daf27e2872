// docker pull: one tag, a digest, or every tag (-a). Layers download in parallel (max-concurrent-downloads),
// each unpacked into a staged dir as it streams in, and are published in parent order; progress messages
// are dockerd's.
import { Transform, type PassThrough } from 'node:stream';
import { InvalidParameter } from '../errors.js';
import { chainIds, decompress, familiarName, familiarString, type ImageStore, type Reference, type StagedIngest } from '../images/index.js';
import { BlobStream } from './blob-stream.js';
import type { DistributionMetadata } from './dist-metadata.js';
import { errorFrom, readBody } from './http.js';
import { layerWorkersAvailable, startLayerJob, warmLayerWorkers, WORKER_MIN_SIZE } from './layer-job.js';
import type { RegistryHosts } from './hosts.js';
import { fetchConfig, fetchManifest, pullError, type FetchedManifest } from './manifest.js';
import { hostPlatform } from './platform.js';
import { layerProgress, layerStatus, shortId, status, Throttle, type Message, ProgressChannel } from './progress.js';
import { RegistrySession } from './session.js';
import type { AuthConfig, Descriptor, Platform, RegistrySettings } from './types.js';

export interface RegistryContext {
  images: ImageStore;
  hosts: RegistryHosts;
  meta: DistributionMetadata;
  settings: RegistrySettings;
}

export interface PullRequest {
  /** Parsed reference (name fully qualified); no tag and no digest with allTags. */
  ref: Reference;
  allTags?: boolean;
  platform?: Platform;
  auth?: AuthConfig;
  signal?: AbortSignal;
}

export function splitName(name: string): { domain: string; path: string } {
  const i = name.indexOf('/');
  return { domain: name.slice(0, i), path: name.slice(i + 1) };
}

/** Starts the pull; the returned stream throws before its first message when nothing could be resolved. */
export function pullImage(ctx: RegistryContext, req: PullRequest): AsyncIterable<Message> {
  const ch = new ProgressChannel();
  run(ctx, req, ch).then(() => ch.end(), (err) => ch.fail(err));
  return ch;
}

async function run(ctx: RegistryContext, req: PullRequest, ch: ProgressChannel): Promise<void> {
  const { domain, path } = splitName(req.ref.name);
  const sessions = await RegistrySession.open(ctx.hosts, domain, req.auth, [`repository:${path}:pull`], { signal: req.signal });
  if (!req.allTags) {
    const updated = await pullOne(ctx, sessions, req, req.ref, ch);
    ch.push(status(`Status: ${updated ? 'Downloaded newer image' : 'Image is up to date'} for ${familiarString(req.ref)}`));
    return;
  }
  const tags = await listTags(sessions[sessions.length - 1]!, path, req.signal);
  let any = false;
  for (const tag of tags) any = (await pullOne(ctx, sessions, req, { name: req.ref.name, tag }, ch)) || any;
  ch.push(status(`Status: ${any ? 'Downloaded newer image' : 'Image is up to date'} for ${familiarName(req.ref.name)}`));
}

async function listTags(s: RegistrySession, path: string, signal?: AbortSignal): Promise<string[]> {
  const res = await s.request({ method: 'GET', path: `/v2/${path}/tags/list`, signal });
  if ((res.statusCode ?? 0) >= 400) throw await errorFrom(res);
  const j = JSON.parse((await readBody(res)).toString('utf8')) as { tags?: string[] | null };
  return (j.tags ?? []).sort();
}

/** Pulls one tag or digest; returns whether a reference changed. */
async function pullOne(ctx: RegistryContext, sessions: RegistrySession[], req: PullRequest, ref: Reference, ch: ProgressChannel): Promise<boolean> {
  const { path } = splitName(ref.name);
  const tagOrDigest = ref.digest ?? ref.tag ?? 'latest';
  const platform = req.platform ?? hostPlatform();
  let fetched: FetchedManifest | undefined;
  let session: RegistrySession | undefined;
  let lastErr: unknown;
  for (const s of sessions) {
    try {
      fetched = await fetchManifest(s, path, tagOrDigest, platform, req.platform !== undefined, req.signal);
      session = s;
      break;
    } catch (err) {
      lastErr = err;
      if (!s.endpoint.mirror) break;
    }
  }
  if (!fetched || !session) throw pullError(lastErr, familiarString(ref), familiarName(ref.name));
  ch.push(status(`Pulling from ${path}`, tagOrDigest));
  const imageId = fetched.manifest.config.digest;
  const have = ctx.images.list().some((i) => i.id === imageId);
  if (!have) await pullLayersAndConfig(ctx, session, path, fetched, req, ch);
  ch.push(status(`Digest: ${fetched.digest}`));
  const images = ctx.images;
  let changed = false;
  const digestRef: Reference = { name: ref.name, digest: fetched.digest };
  if (images.refs.get(digestRef) !== imageId) { await images.setReference(digestRef, imageId); changed = true; }
  if (ref.tag !== undefined && images.refs.get(ref) !== imageId) { await images.setReference(ref, imageId); changed = true; }
  if (!have) changed = true;
  images.emit('pull', familiarString(ref), { name: familiarString(ref) });
  return changed;
}

async function pullLayersAndConfig(ctx: RegistryContext, s: RegistrySession, path: string, f: FetchedManifest, req: PullRequest, ch: ProgressChannel): Promise<void> {
  const layers = f.manifest.layers;
  warmLayerWorkers(layers.filter((l) => l.size >= WORKER_MIN_SIZE).length);
  const configBytes = await fetchConfig(s, path, f.manifest.config, req.signal);
  const config = JSON.parse(configBytes.toString('utf8')) as { os?: string; architecture?: string; variant?: string; rootfs?: { diff_ids?: string[] } };
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== layers.length) throw new InvalidParameter(`layers from manifest don't match image configuration`);
  const chains = chainIds(diffIds);
  const present = await Promise.all(chains.map((c, i) => ctx.images.hasLayer(c, diffIds[i]!)));
  // Docker lists every layer first, then reports each as it goes.
  const ids = layers.map((l) => shortId(l.digest));
  const firstMissing = present.indexOf(false);
  for (let i = 0; i < layers.length; i++) {
    if (present[i] && (firstMissing === -1 || i < firstMissing)) ch.push(layerStatus(ids[i]!, 'Already exists'));
    else ch.push(layerStatus(ids[i]!, 'Pulling fs layer'));
  }
  if (firstMissing !== -1) await downloadAndUnpack(ctx, s, path, layers, diffIds, firstMissing, req, ch);
  await ctx.images.addImage(configBytes);
  await Promise.all(layers.map((l, i) => ctx.meta.add(diffIds[i]!, { digest: l.digest, repository: req.ref.name, size: l.size })));
}

async function downloadAndUnpack(ctx: RegistryContext, s: RegistrySession, path: string, layers: Descriptor[], diffIds: string[], from: number, req: PullRequest, ch: ProgressChannel): Promise<void> {
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  req.signal?.addEventListener('abort', onAbort, { once: true });
  // Every missing layer downloads and unpacks into its own staged dir at once (at most maxDownloads at a
  // time); they are published in parent order as they complete.
  const staged: Array<Promise<StagedIngest>> = [];
  const ready: Array<(p: Promise<StagedIngest>) => void> = [];
  const done: Array<StagedIngest | undefined> = [];
  const taken = new Set<number>();
  for (let i = from; i < layers.length; i++) {
    staged[i] = new Promise((resolve) => { ready[i] = resolve; });
    staged[i]!.catch(() => undefined); // awaited below, or the pull already failed for another reason
  }
  const fetchers = runLimited(
    Array.from({ length: layers.length - from }, (_, k) => from + k),
    ctx.settings.maxDownloads,
    async (i) => {
      const p = fetchAndStage(ctx, s, path, layers[i]!, diffIds[i]!, ch, abort.signal);
      ready[i]!(p);
      done[i] = await p;
    },
    (i) => ch.push(layerStatus(shortId(layers[i]!.digest), 'Waiting')),
  );
  fetchers.catch(() => abort.abort());
  let parent = from > 0 ? chainIds(diffIds.slice(0, from)).pop() : undefined;
  try {
    for (let i = from; i < layers.length; i++) {
      // A layer that never started (the pull failed first) is only ever settled through `fetchers`.
      const st = await Promise.race([staged[i]!, fetchers.then(() => staged[i]!)]);
      taken.add(i);
      parent = (await ctx.images.commitStagedLayer(parent, st)).chainId;
      ch.push(layerStatus(shortId(layers[i]!.digest), 'Pull complete'));
    }
    await fetchers;
  } catch (err) {
    abort.abort();
    // Drop what was staged but not published (the next pull reports the published ones "Already exists").
    await fetchers.catch(() => undefined);
    for (let i = from; i < layers.length; i++) {
      const st = done[i];
      if (st && !taken.has(i)) await ctx.images.discardStagedLayer(st);
    }
    throw err;
  } finally {
    req.signal?.removeEventListener('abort', onAbort);
  }
}

/** Downloads one layer and unpacks it as it streams; resolves once both the blob digest and diffID matched. */
async function fetchAndStage(ctx: RegistryContext, s: RegistrySession, path: string, desc: Descriptor, diffId: string, ch: ProgressChannel, signal: AbortSignal): Promise<StagedIngest> {
  const id = shortId(desc.digest);
  // A big layer is hashed, inflated and unpacked on a worker thread; a small one here.
  const dl = new Throttle();
  const ex = new Throttle();
  // "Extracting" only once the download completed: before that the download line is the one moving.
  const extracting = (n: number) => { if (blob.done && ex.ready(n === desc.size)) ch.push(layerProgress(id, 'Extracting', n, desc.size)); };
  const job = desc.size >= WORKER_MIN_SIZE && layerWorkersAvailable() ? startLayerJob(ctx.images.dataRoot, desc, diffId, extracting) : undefined;
  const blob = job ? new BlobStream(desc, job.sink, false) : new BlobStream(desc);
  let counted = 0;
  const consumed = job ? job.consumed : () => counted;
  const downloaded = blob.download(s, path, {
    onBytes: (cur, total) => { if (dl.ready(cur === total)) ch.push(layerProgress(id, 'Downloading', cur, total)); },
    onRetry: (secs) => ch.push(layerStatus(id, `Retrying in ${secs} second${secs === 1 ? '' : 's'}`)),
  }, ctx.settings.attempts, ctx.settings.retryBaseMs, signal).then(() => {
    ch.push(layerStatus(id, 'Verifying Checksum'));
    ch.push(layerStatus(id, 'Download complete'));
    // The unpacker has followed the download: what it still has to read is what the pipes hold.
    if (ex.ready(true)) ch.push(layerProgress(id, 'Extracting', consumed(), desc.size));
  });
  let unpacked: Promise<StagedIngest>;
  if (job) {
    unpacked = job.result;
  } else {
    const body = blob.body as PassThrough;
    const counter = body.pipe(new Transform({
      highWaterMark: 1 << 20,
      transform(chunk: Buffer, _enc, cb) { counted += chunk.length; extracting(counted); cb(null, chunk); },
    }));
    body.on('error', (e) => counter.destroy(e));
    counter.on('error', () => undefined);
    unpacked = (async () => ctx.images.stageVerifiedLayer(await decompress(counter, { size: desc.size }), diffId))();
  }
  const [d, u] = await Promise.allSettled([downloaded, unpacked]);
  // The download's error first: a blob that fails its digest usually fails to unpack as well.
  if (d.status === 'rejected') {
    if (u.status === 'fulfilled') await ctx.images.discardStagedLayer(u.value);
    throw d.reason;
  }
  if (u.status === 'rejected') throw u.reason;
  return u.value;
}

/** Runs `fn` over items with at most `limit` at a time; `onQueued` for each item that has to wait. */
async function runLimited<T>(items: T[], limit: number, fn: (t: T) => Promise<void>, onQueued: (t: T) => void): Promise<void> {
  let next = 0;
  items.slice(limit).forEach(onQueued);
  let failure: unknown;
  const worker = async () => {
    while (next < items.length && failure === undefined) {
      const item = items[next++]!;
      try { await fn(item); } catch (err) { failure ??= err; }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure;
}

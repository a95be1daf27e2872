// docker pull: one tag, a digest, or every tag (-a). Layers download in parallel (max-concurrent-downloads),
// each spooled to image/tmp and unpacked in order while it still downloads; progress messages are dockerd's.
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidParameter } from '../errors.js';
import { chainIds, decompress, familiarName, familiarString, type ImageStore, type Reference } from '../images/index.js';
import { layout } from '../store/index.js';
import { BlobSpool } from './blob-spool.js';
import type { DistributionMetadata } from './dist-metadata.js';
import { errorFrom, readBody } from './http.js';
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
  const dir = join(layout.imageTmpDir(ctx.images.dataRoot), `pull-${randomBytes(8).toString('hex')}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  req.signal?.addEventListener('abort', onAbort, { once: true });
  const spools = layers.map((l, i) => new BlobSpool(join(dir, String(i)), l));
  try {
    const todo = spools.slice(from);
    await Promise.all(todo.map((sp) => sp.init()));
    const downloads = runLimited(todo, ctx.settings.maxDownloads, (sp) => download(ctx, s, path, sp, ch, abort.signal), (sp) => ch.push(layerStatus(shortId(sp.desc.digest), 'Waiting')));
    let parent = from > 0 ? chainIds(diffIds.slice(0, from)).pop() : undefined;
    const unpack = (async () => {
      for (let i = from; i < layers.length; i++) {
        parent = (await unpackOne(ctx, spools[i]!, parent, diffIds[i]!, ch)).chainId;
      }
    })();
    const results = await Promise.allSettled([downloads, unpack]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (err) {
    abort.abort();
    for (const sp of spools) sp.fail(err as Error);
    throw err;
  } finally {
    req.signal?.removeEventListener('abort', onAbort);
    await rm(dir, { recursive: true, force: true });
  }
}

async function download(ctx: RegistryContext, s: RegistrySession, path: string, sp: BlobSpool, ch: ProgressChannel, signal: AbortSignal): Promise<void> {
  const id = shortId(sp.desc.digest);
  const t = new Throttle();
  await sp.download(s, path, {
    onBytes: (cur, total) => { if (t.ready(cur === total)) ch.push(layerProgress(id, 'Downloading', cur, total)); },
    onRetry: (secs) => ch.push(layerStatus(id, `Retrying in ${secs} second${secs === 1 ? '' : 's'}`)),
  }, ctx.settings.attempts, ctx.settings.retryBaseMs, signal);
  ch.push(layerStatus(id, 'Verifying Checksum'));
  ch.push(layerStatus(id, 'Download complete'));
}

async function unpackOne(ctx: RegistryContext, sp: BlobSpool, parent: string | undefined, diffId: string, ch: ProgressChannel) {
  const id = shortId(sp.desc.digest);
  const t = new Throttle();
  const total = sp.desc.size;
  // "Extracting" only once the download completed: before that the download line is the one moving.
  const reader = sp.reader((n) => { if (sp.done && t.ready(n === total)) ch.push(layerProgress(id, 'Extracting', n, total)); });
  const tar = await decompress(reader);
  const info = await ctx.images.ingestVerifiedLayer(parent, tar, diffId);
  ch.push(layerStatus(id, 'Pull complete'));
  return info;
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

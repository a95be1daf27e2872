// docker push: every layer is HEAD-checked by the compressed digest it is known by (skip), cross-mounted from
// another repository of the same registry, or gzip-compressed while it streams up (POST, one PATCH, PUT
// ?digest=); then the config (monolithic PUT) and the manifest with its media type, and dockerd's
// "<tag>: digest: sha256:... size: N" line with its aux message.
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream';
import { NotFound, SystemError } from '../errors.js';
import { chainIds, compressGzip, familiarName, familiarString, parseReference, type ImageRecord, type Reference } from '../images/index.js';
import { errorFrom } from './http.js';
import { layerProgress, layerStatus, shortId, status, Throttle, ProgressChannel, type Message } from './progress.js';
import { splitName, type RegistryContext } from './pull.js';
import { RegistrySession } from './session.js';
import { MT, type AuthConfig, type Descriptor } from './types.js';

export interface PushRequest {
  /** Repository (fully qualified) and the tag to push; no tag pushes every tag of the repository. */
  ref: Reference;
  auth?: AuthConfig;
  signal?: AbortSignal;
}

export function pushImage(ctx: RegistryContext, req: PushRequest): AsyncIterable<Message> {
  const ch = new ProgressChannel();
  run(ctx, req, ch).then(() => ch.end(), (err) => ch.fail(err));
  return ch;
}

function localTags(ctx: RegistryContext, ref: Reference): Array<{ ref: Reference; rec: ImageRecord }> {
  if (ref.tag !== undefined) {
    try { return [{ ref, rec: ctx.images.get(familiarString(ref)) }]; } catch { return []; }
  }
  return ctx.images.refs.all()
    .map(([key, id]) => ({ key, id }))
    .filter(({ key }) => { const r = safeParse(ctx, key); return r?.name === ref.name && r.tag !== undefined; })
    .map(({ key, id }) => ({ ref: safeParse(ctx, key)!, rec: ctx.images.get(id) }))
    .sort((a, b) => (a.ref.tag! < b.ref.tag! ? -1 : 1));
}

function safeParse(_ctx: RegistryContext, key: string): Reference | undefined {
  try { return parseReference(key); } catch { return undefined; }
}

async function run(ctx: RegistryContext, req: PushRequest, ch: ProgressChannel): Promise<void> {
  const { domain, path } = splitName(req.ref.name);
  // dockerd names the repository fully here ("docker.io/library/busybox"), familiarly in the error below.
  ch.push(status(`The push refers to repository [${req.ref.name}]`));
  const tags = localTags(ctx, req.ref);
  if (!tags.length) throw new NotFound(`An image does not exist locally with the tag: ${familiarName(req.ref.name)}`);
  const [session] = await RegistrySession.open(ctx.hosts, domain, req.auth, [`repository:${path}:pull,push`], { push: true, signal: req.signal });
  for (const { ref, rec } of tags) {
    const layers = await pushLayers(ctx, session!, path, rec, req, ch);
    const configBytes = await ctx.images.content.readBytes(rec.id);
    await uploadBytes(session!, path, rec.id, configBytes, req.signal);
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: MT.dockerManifest,
      config: { mediaType: MT.dockerConfig, size: configBytes.length, digest: rec.id },
      layers,
    }, null, 3));
    const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
    const res = await session!.request({ method: 'PUT', path: `/v2/${path}/manifests/${ref.tag}`, headers: { 'Content-Type': MT.dockerManifest }, body: manifest, signal: req.signal });
    if ((res.statusCode ?? 0) >= 400) throw await errorFrom(res);
    res.resume();
    await ctx.images.setReference({ name: ref.name, digest }, rec.id);
    ch.push(status(`${ref.tag}: digest: ${digest} size: ${manifest.length}`));
    ch.push({ progressDetail: {}, aux: { Tag: ref.tag, Digest: digest, Size: manifest.length } });
    ctx.images.emit('push', familiarString(ref), { name: familiarString(ref) });
  }
}

async function pushLayers(ctx: RegistryContext, s: RegistrySession, path: string, rec: ImageRecord, req: PushRequest, ch: ProgressChannel): Promise<Descriptor[]> {
  const ids = rec.diffIds.map(shortId);
  // dockerd lists the layers top-most first.
  for (let i = rec.diffIds.length - 1; i >= 0; i--) ch.push(layerStatus(ids[i]!, 'Preparing'));
  const out: Descriptor[] = new Array(rec.diffIds.length);
  let next = 0;
  let failure: unknown;
  const order = rec.diffIds.map((_, i) => rec.diffIds.length - 1 - i);
  const chains = chainIds(rec.diffIds);
  order.slice(ctx.settings.maxUploads).forEach((i) => ch.push(layerStatus(ids[i]!, 'Waiting')));
  const worker = async () => {
    while (next < order.length && failure === undefined) {
      const i = order[next++]!;
      try { out[i] = await pushLayer(ctx, s, path, rec.diffIds[i]!, chains[i]!, ids[i]!, req, ch); } catch (err) { failure ??= err; }
    }
  };
  await Promise.all(Array.from({ length: Math.min(ctx.settings.maxUploads, order.length) }, worker));
  if (failure !== undefined) throw failure;
  return out;
}

const layerDesc = (digest: string, size: number): Descriptor => ({ mediaType: MT.dockerLayer, size, digest });

async function pushLayer(ctx: RegistryContext, s: RegistrySession, path: string, diffId: string, chainId: string, id: string, req: PushRequest, ch: ProgressChannel): Promise<Descriptor> {
  const { domain } = splitName(req.ref.name);
  const known = ctx.meta.sources(diffId).filter((src) => splitName(src.repository).domain === domain);
  for (const src of known.filter((k) => k.repository === req.ref.name)) {
    const size = await headBlob(s, path, src.digest, req.signal);
    if (size !== undefined) { ch.push(layerStatus(id, 'Layer already exists')); return layerDesc(src.digest, size); }
  }
  for (const src of known.filter((k) => k.repository !== req.ref.name)) {
    const from = splitName(src.repository).path;
    const res = await s.request({ method: 'POST', path: `/v2/${path}/blobs/uploads/?mount=${encodeURIComponent(src.digest)}&from=${encodeURIComponent(from)}`, signal: req.signal },
      [`repository:${path}:pull,push`, `repository:${from}:pull`]);
    res.resume();
    if (res.statusCode === 201) {
      ch.push(layerStatus(id, `Mounted from ${familiarName(src.repository)}`));
      const size = src.size ?? await headBlob(s, path, src.digest, req.signal) ?? 0;
      await ctx.meta.add(diffId, { digest: src.digest, repository: req.ref.name, size });
      return layerDesc(src.digest, size);
    }
    if (res.statusCode === 202 && res.headers.location) {
      // Mount refused: cancel the upload session the registry opened instead.
      const del = await s.request({ method: 'DELETE', path: String(res.headers.location), signal: req.signal }).catch(() => undefined);
      del?.resume();
    }
  }
  const desc = await uploadLayer(ctx, s, path, diffId, chainId, id, req, ch);
  await ctx.meta.add(diffId, { digest: desc.digest, repository: req.ref.name, size: desc.size });
  ch.push(layerStatus(id, 'Pushed'));
  return desc;
}

async function headBlob(s: RegistrySession, path: string, digest: string, signal?: AbortSignal): Promise<number | undefined> {
  const res = await s.request({ method: 'HEAD', path: `/v2/${path}/blobs/${digest}`, signal });
  res.resume();
  if (res.statusCode === 200) return Number(res.headers['content-length'] ?? 0);
  if (res.statusCode === 404) return undefined;
  throw await errorFrom(res);
}

async function startUpload(s: RegistrySession, path: string, signal?: AbortSignal): Promise<string> {
  const res = await s.request({ method: 'POST', path: `/v2/${path}/blobs/uploads/`, signal });
  if (res.statusCode !== 202) throw await errorFrom(res);
  res.resume();
  const loc = res.headers.location;
  if (!loc) throw new SystemError('registry did not return an upload location');
  return new URL(loc, s.url('/')).toString();
}

function withDigest(location: string, digest: string): string {
  const u = new URL(location);
  u.searchParams.set('digest', digest);
  return u.toString();
}

/** Monolithic upload of a blob whose bytes are at hand (the config). */
async function uploadBytes(s: RegistrySession, path: string, digest: string, data: Buffer, signal?: AbortSignal): Promise<void> {
  if (await headBlob(s, path, digest, signal) !== undefined) return;
  const loc = await startUpload(s, path, signal);
  const res = await s.request({ method: 'PUT', path: withDigest(loc, digest), headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': data.length }, body: data, signal });
  if (res.statusCode !== 201) throw await errorFrom(res);
  res.resume();
}

class Counter extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  override _transform(c: Buffer, _e: BufferEncoding, cb: TransformCallback): void { this.hash.update(c); this.size += c.length; cb(null, c); }
}

/** Streams the layer tar through gzip (igzip when installed) into one PATCH, then commits it with PUT ?digest=. */
async function uploadLayer(ctx: RegistryContext, s: RegistrySession, path: string, diffId: string, chainId: string, id: string, req: PushRequest, ch: ProgressChannel): Promise<Descriptor> {
  const { size: total, stream: src } = await ctx.images.layerTar(chainId, diffId);
  const loc = await startUpload(s, path, req.signal).catch((err: unknown) => { src.destroy(); throw err; });
  const t = new Throttle();
  let read = 0;
  src.on('data', (c: Buffer) => { read += c.length; if (t.ready(read === total)) ch.push(layerProgress(id, 'Pushing', read, total)); });
  const counter = new Counter();
  const gzip = compressGzip(src, total);
  pipeline(gzip, counter, () => undefined);
  const patch = await s.request({ method: 'PATCH', path: loc, headers: { 'Content-Type': 'application/octet-stream' }, body: counter, signal: req.signal });
  if (patch.statusCode !== 202) throw await errorFrom(patch);
  patch.resume();
  const digest = `sha256:${counter.hash.digest('hex')}`;
  const next = patch.headers.location ? new URL(patch.headers.location, s.url('/')).toString() : loc;
  const put = await s.request({ method: 'PUT', path: withDigest(next, digest), headers: { 'Content-Length': 0 }, body: Buffer.alloc(0), signal: req.signal });
  if (put.statusCode !== 201) throw await errorFrom(put);
  put.resume();
  return layerDesc(digest, counter.size);
}

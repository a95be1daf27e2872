// `docker save` (Docker 20.10's layout: manifest.json, repositories, <config-hex>.json and per layer
// <v1-id>/{VERSION,json,layer.tar}) and `docker load` of that layout or an OCI image layout.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { PassThrough, Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { InvalidParameter, NotFound, isNotFound } from '../errors.js';
import { chainId, chainIds, type LayerInfo, type StagedLayer } from '../snapshots/index.js';
import { layout, syncLayerData, writevAll } from '../store/index.js';
import { debug } from '../sys/index.js';
import { goContainerConfig, goJson, sortedKeys } from './go-json.js';
import type { ImageStoreCore } from './image-records.js';
import { familiarName, familiarString, parseReference, withDefaultTag, type Reference } from './reference.js';
import type { ImageRecord } from './types.js';

type Host = ImageStoreCore & { emit(action: string, id: string, attrs: Record<string, string>): void };

/** image/v1.CreateID: sha256 of the v1 JSON (sorted keys) plus layer_id and parent. */
export function v1Json(rec: ImageRecord, layerIndex: number, parent: string | undefined, id?: string): Record<string, unknown> {
  const last = layerIndex === rec.diffIds.length - 1;
  const c = rec.config;
  const v: Record<string, unknown> = {};
  if (id) v.id = id;
  if (parent && id) v.parent = parent.slice(7);
  if (last && c.comment) v.comment = c.comment;
  v.created = last ? c.created : '1970-01-01T00:00:00Z';
  if (last && c.container) v.container = c.container;
  v.container_config = goContainerConfig(last ? c.container_config : undefined);
  if (last && c.docker_version) v.docker_version = c.docker_version;
  if (last && c.author) v.author = c.author;
  if (last && c.config) v.config = goContainerConfig(c.config);
  if (last && c.architecture) v.architecture = c.architecture;
  if (last && c.variant) v.variant = c.variant;
  if (c.os && (last || id)) v.os = c.os;
  return v;
}

export function v1Id(rec: ImageRecord, layerIndex: number, parent: string | undefined): string {
  const chain = chainIds(rec.diffIds.slice(0, layerIndex + 1)).pop()!;
  const base = v1Json(rec, layerIndex, undefined);
  if (layerIndex !== rec.diffIds.length - 1) delete base.os; // OS is set after CreateID for lower layers
  const m = sortedKeys({ ...base, layer_id: chain, ...(parent ? { parent } : {}) });
  return `sha256:${createHash('sha256').update(goJson(m)).digest('hex')}`;
}

/**
 * dockerd's save names a missing image as given ("No such image: busybox", no default tag), and a missing
 * tag of a name as its reference store does ("reference does not exist").
 */
export function getForSave(host: Host, name: string): ReturnType<Host['get']> {
  try {
    return host.get(name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    let ref: Reference | undefined;
    try { ref = parseReference(name); } catch { ref = undefined; }
    if (ref && (ref.tag !== undefined || ref.digest !== undefined)) throw new NotFound('reference does not exist', { cause: err });
    throw new NotFound(`No such image: ${name}`, { cause: err });
  }
}

/** Which images and tags `docker save a b c` writes. */
function selectImages(host: Host, names: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const n of names) {
    const rec = getForSave(host, n);
    const tags = out.get(rec.id) ?? [];
    out.set(rec.id, tags);
    let ref: Reference | undefined;
    try { ref = parseReference(n); } catch { ref = undefined; }
    if (!ref || rec.id.includes(n.replace(/^sha256:/, ''))) continue;
    if (ref.tag !== undefined) tags.push(familiarString(ref));
    else for (const r of host.refs.referencesTo(rec.id)) if (r.name === ref.name && r.tag) tags.push(familiarString(r));
  }
  return out;
}

export async function saveImages(host: Host, names: string[], out: Writable): Promise<void> {
  const selected = selectImages(host, names);
  const pack = tar.pack();
  const done = pipeline(Readable.from(pack, { objectMode: false }), out);
  const add = (h: Partial<tar.Header> & { name: string }, body?: Buffer | Readable) => new Promise<void>((resolve, reject) => {
    if (!body || Buffer.isBuffer(body)) { pack.entry(h, body ?? Buffer.alloc(0), (e) => (e ? reject(e) : resolve())); return; }
    const sink = pack.entry(h, (e) => (e ? reject(e) : resolve()));
    body.on('error', reject);
    body.pipe(sink as unknown as NodeJS.WritableStream);
  });
  const manifest: Array<Record<string, unknown>> = [];
  const repositories: Record<string, Record<string, string>> = {};
  const written = new Set<string>();
  try {
    for (const [id, tags] of selected) {
      const rec = host.get(id);
      const mtime = new Date(rec.config.created ?? 0);
      const layers: string[] = [];
      let parent: string | undefined;
      for (let i = 0; i < rec.diffIds.length; i++) {
        const v1 = v1Id(rec, i, parent);
        const hex = v1.slice(7);
        if (!written.has(hex)) {
          written.add(hex);
          await add({ name: `${hex}/`, type: 'directory', mode: 0o755, mtime });
          await add({ name: `${hex}/VERSION`, mode: 0o644, mtime }, Buffer.from('1.0'));
          await add({ name: `${hex}/json`, mode: 0o644, mtime }, Buffer.from(goJson(v1Json(rec, i, parent, hex))));
          const t = await host.layerTar(chainIds(rec.diffIds)[i]!, rec.diffIds[i]!);
          await add({ name: `${hex}/layer.tar`, mode: 0o644, mtime, size: t.size }, t.stream);
        }
        layers.push(`${hex}/layer.tar`);
        parent = v1;
      }
      await add({ name: `${id.slice(7)}.json`, mode: 0o644, mtime }, await host.content.readBytes(id));
      manifest.push({ Config: `${id.slice(7)}.json`, RepoTags: tags.length ? tags : null, Layers: layers });
      for (const t of tags) {
        const r = withDefaultTag(parseReference(t));
        (repositories[familiarName(r.name)] ??= {})[r.tag!] = parent?.slice(7) ?? '';
      }
      host.emit('save', id, { name: tags[0] ?? id });
    }
    await add({ name: 'manifest.json', mode: 0o644, mtime: new Date(0) }, Buffer.from(goJson(manifest)));
    if (Object.keys(repositories).length) await add({ name: 'repositories', mode: 0o644, mtime: new Date(0) }, Buffer.from(goJson(repositories)));
    pack.finalize();
  } catch (err) {
    pack.destroy(err as Error);
  }
  await done;
}

/**
 * Spools the archive's files to a temp dir (streaming), then loads from there. Docker-layout layer tars are
 * hashed and unpacked into staged dirs while they are spooled (one pass over the bytes); a layer whose
 * digest matches its diffID is then published with its spooled file as the blob, without a copy.
 */
export async function loadImages(host: Host, input: Readable): Promise<{ loaded: string[] }> {
  const dir = join(layout.imageTmpDir(host.dataRoot), `load-${randomBytes(8).toString('hex')}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files: FileMap = new Map();
  try {
    await spool(host, input, dir, files).catch((err: Error) => { throw tarError(err); });
    const file = (p: string) => resolvePath(files, p);
    if (files.has('manifest.json')) return await loadDocker(host, files, file);
    if (files.has('index.json')) return await loadOci(host, file);
    throw new InvalidParameter('invalid archive: neither manifest.json nor index.json found');
  } finally {
    // Staged layers nothing used (not in the manifest, or not matching their diffID).
    for (const f of files.values()) {
      await f.synced?.catch(() => undefined);
      const st = await f.staged;
      if (st) await host.snapshots.discardStaged(st);
    }
    await rm(dir, { recursive: true, force: true });
  }
}

/** dockerd's words for an archive it cannot read (its untar runs in a child, hence the exit status). */
function tarError(err: Error): Error {
  const why = /Unexpected end of data/i.test(err.message) ? 'unexpected EOF'
    : /Invalid tar header/i.test(err.message) ? 'archive/tar: invalid tar header' : undefined;
  return why ? new InvalidParameter(`Error processing tar file(exit status 1): ${why}`, { cause: err }) : err;
}

interface Spooled {
  path?: string;
  link?: string;
  /** sha256 of the spooled file. */
  digest?: string;
  /** A layer.tar unpacked while spooled (undefined when that failed: the plain path reports why). */
  staged?: Promise<StagedLayer | undefined>;
  /** The file was moved into the content store (as `digest`). */
  adopted?: boolean;
  /** A layer.tar's close (after its fdatasync with WHARF_SYNC_LAYERS=1). */
  synced?: Promise<void>;
}
type FileMap = Map<string, Spooled>;

async function spool(host: Host, input: Readable, dir: string, files: FileMap): Promise<void> {
  const extract = tar.extract();
  input.on('error', (e) => extract.destroy(e));
  input.pipe(extract as unknown as NodeJS.WritableStream);
  let n = 0;
  for await (const entry of extract) {
    const name = posix.normalize(entry.header.name).replace(/^(\.\/)+|\/$/g, '');
    if (entry.header.type === 'file' || entry.header.type === 'contiguous-file') {
      const f: Spooled = { path: join(dir, String(n++)) };
      files.set(name, f);
      const hash = createHash('sha256');
      const layer = posix.basename(name) === 'layer.tar' ? new PassThrough({ highWaterMark: 1 << 20 }) : undefined;
      if (layer) {
        layer.on('error', () => undefined);
        f.staged = host.snapshots.stageLayer(layer).then(
          (st) => { layer.unpipe(); layer.resume(); return st; }, // bytes after the archive's end: just drained
          () => { layer.destroy(); return undefined; },
        );
      }
      const fh = await open(f.path!, 'wx', 0o600);
      let handedOver = false;
      try {
        let batch: Buffer[] = [];
        let bytes = 0;
        for await (const c of entry) {
          const b = c as Buffer;
          hash.update(b);
          batch.push(b);
          bytes += b.length;
          if (bytes >= 1 << 20 || batch.length >= 256) { await writevAll(fh, batch, bytes); batch = []; bytes = 0; }
          if (layer && !layer.destroyed && !layer.write(b)) await drained(layer);
        }
        if (batch.length) await writevAll(fh, batch, bytes);
        if (layer) {
          // It may become the layer's blob: synced (WHARF_SYNC_LAYERS=1) while the rest of the archive is read.
          handedOver = true;
          f.synced = (syncLayerData() ? fh.datasync() : Promise.resolve()).finally(() => fh.close());
          f.synced.catch(() => undefined);
        }
      } catch (err) {
        layer?.destroy(err as Error);
        throw err;
      } finally {
        if (!handedOver) await fh.close();
      }
      layer?.end();
      f.digest = `sha256:${hash.digest('hex')}`;
    } else {
      if (entry.header.type === 'symlink' || entry.header.type === 'link') files.set(name, { link: entry.header.linkname ?? '' });
      entry.resume();
    }
  }
}

function drained(s: PassThrough): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { s.off('drain', done); s.off('close', done); resolve(); };
    s.on('drain', done);
    s.on('close', done);
  });
}

function resolveFile(files: FileMap, name: string, depth = 0): Spooled {
  const f = files.get(posix.normalize(name).replace(/^(\.\/)+/, ''));
  if (f?.path) return f;
  if (f?.link !== undefined && depth < 8) return resolveFile(files, posix.join(posix.dirname(name), f.link), depth + 1);
  throw new InvalidParameter(`invalid archive: ${name} not found`);
}

function resolvePath(files: FileMap, name: string): string {
  const f = resolveFile(files, name);
  if (f.adopted) throw new InvalidParameter(`invalid archive: ${name} not found`);
  return f.path!;
}

/** One layer of a Docker-layout archive on top of `parent`: reused, published as staged, or ingested. */
async function loadLayer(host: Host, files: FileMap, name: string, parent: string | undefined, diffId: string): Promise<LayerInfo> {
  const f = resolveFile(files, name);
  const have = host.snapshots.layer(chainId(parent, diffId));
  if (have && await host.hasLayer(have.chainId, diffId)) return have;
  if (f.staged && !f.adopted && f.digest === diffId) {
    const st = await f.staged;
    f.staged = undefined;
    if (st) {
      f.adopted = true;
      try { await f.synced; } catch (err) { await host.snapshots.discardStaged(st); throw err; }
      debug('images', `load: layer ${diffId} unpacked while spooled`);
      return host.commitSpooledLayer(parent, diffId, f.path!, st);
    }
  }
  debug('images', `load: layer ${diffId} ingested from ${name}`);
  return host.ingestLayer(parent, f.adopted ? host.content.read(f.digest!) : createReadStream(f.path!), diffId);
}

async function loadDocker(host: Host, files: FileMap, file: (p: string) => string): Promise<{ loaded: string[] }> {
  const manifest = JSON.parse(await readFile(file('manifest.json'), 'utf8')) as Array<{ Config: string; RepoTags: string[] | null; Layers: string[] }>;
  const loaded: string[] = [];
  for (const m of manifest) {
    const configBytes = await readFile(file(m.Config));
    const diffIds = (JSON.parse(configBytes.toString('utf8')) as { rootfs?: { diff_ids?: string[] } }).rootfs?.diff_ids ?? [];
    if (diffIds.length !== m.Layers.length) throw new InvalidParameter(`invalid manifest, layers length mismatch: expected ${diffIds.length}, got ${m.Layers.length}`);
    let parent: string | undefined;
    for (let i = 0; i < diffIds.length; i++) parent = (await loadLayer(host, files, m.Layers[i]!, parent, diffIds[i]!)).chainId;
    const rec = await host.addImage(configBytes);
    await tagLoaded(host, rec.id, m.RepoTags ?? [], loaded);
  }
  return { loaded };
}

async function tagLoaded(host: Host, id: string, tags: string[], loaded: string[]): Promise<void> {
  for (const t of tags) {
    const ref = withDefaultTag(parseReference(t));
    const old = await host.setReference(ref, id);
    if (old) loaded.push(`The image ${familiarString(ref)} already exists, renaming the old one with ID ${old} to empty string`);
    loaded.push(`Loaded image: ${familiarString(ref)}`);
  }
  if (tags.length === 0) loaded.push(`Loaded image ID: ${id}`);
  host.emit('load', id, { name: id }); // dockerd names the image ID, not a tag
}

interface Descriptor { mediaType?: string; digest: string; annotations?: Record<string, string>; platform?: { os?: string; architecture?: string } }

async function loadOci(host: Host, file: (p: string) => string): Promise<{ loaded: string[] }> {
  const blob = async (d: string) => readFile(file(`blobs/${d.replace(':', '/')}`));
  const index = JSON.parse(await readFile(file('index.json'), 'utf8')) as { manifests?: Descriptor[] };
  const loaded: string[] = [];
  for (const desc of index.manifests ?? []) {
    let manifest = JSON.parse((await blob(desc.digest)).toString('utf8')) as { manifests?: Descriptor[]; config?: Descriptor; layers?: Descriptor[] };
    if (manifest.manifests) {
      const pick = manifest.manifests.find((d) => d.platform?.os === 'linux' && d.platform?.architecture === 'amd64') ?? manifest.manifests[0];
      if (!pick) continue;
      manifest = JSON.parse((await blob(pick.digest)).toString('utf8'));
    }
    if (!manifest.config) throw new InvalidParameter(`invalid OCI manifest ${desc.digest}: no config`);
    let parent: string | undefined;
    for (const l of manifest.layers ?? []) parent = (await host.ingestLayer(parent, createReadStream(file(`blobs/${l.digest.replace(':', '/')}`)))).chainId;
    const rec = await host.addImage(await blob(manifest.config.digest));
    const name = desc.annotations?.['io.containerd.image.name'] ?? desc.annotations?.['org.opencontainers.image.ref.name'];
    const tags = name && /[:/]/.test(name) ? [name] : [];
    await tagLoaded(host, rec.id, tags, loaded);
  }
  return { loaded };
}

// Puts hand-made images straight into a registry over the v2 API (no engine involved), so pull tests control
// exactly what is served: Docker schema 2 or OCI manifests, indexes with several platforms, shared layers.
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { repoRoot } from './daemon.js';

export const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function call(method: string, url: string, body?: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: { ...headers, ...(body ? { 'Content-Length': String(body.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function putBlob(base: string, repo: string, data: Buffer): Promise<string> {
  const digest = sha256(data);
  const start = await call('POST', `${base}/v2/${repo}/blobs/uploads/`);
  if (start.status !== 202) throw new Error(`upload start: ${start.status} ${start.body}`);
  const loc = new URL(String(start.headers.location), base);
  loc.searchParams.set('digest', digest);
  const put = await call('PUT', loc.toString(), data, { 'Content-Type': 'application/octet-stream' });
  if (put.status !== 201) throw new Error(`blob put: ${put.status} ${put.body}`);
  return digest;
}

export async function putManifest(base: string, repo: string, ref: string, body: Buffer, mediaType: string): Promise<string> {
  const r = await call('PUT', `${base}/v2/${repo}/manifests/${ref}`, body, { 'Content-Type': mediaType });
  if (r.status !== 201) throw new Error(`manifest put: ${r.status} ${r.body}`);
  return sha256(body);
}

/** A tar of files: [[path, content], ...]. */
export async function makeTar(files: Array<[string, string | Buffer]>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, content] of files) pack.entry({ name, mode: 0o644, mtime: new Date(0) }, content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

let busybox: Buffer | undefined;
export function busyboxTar(): Buffer {
  busybox ??= spawnSync('bash', [join(repoRoot, 'scripts/busybox-rootfs.sh')], { maxBuffer: 64 << 20 }).stdout;
  return busybox;
}

export interface UploadedImage { manifestDigest: string; configDigest: string; layerDigests: string[]; diffIds: string[]; manifest: Buffer }

export async function uploadImage(base: string, repo: string, ref: string | undefined, layers: Buffer[], opts: { oci?: boolean; arch?: string; cmd?: string[] } = {}): Promise<UploadedImage> {
  const gz = layers.map((l) => gzipSync(l));
  const diffIds = layers.map(sha256);
  const config = Buffer.from(JSON.stringify({
    architecture: opts.arch ?? 'amd64', os: 'linux', created: '2026-01-01T00:00:00Z',
    config: { Cmd: opts.cmd ?? ['sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: layers.map(() => ({ created: '2026-01-01T00:00:00Z', created_by: 'test' })),
  }));
  const configDigest = await putBlob(base, repo, config);
  const layerDigests: string[] = [];
  for (const g of gz) layerDigests.push(await putBlob(base, repo, g));
  const mt = opts.oci
    ? { m: 'application/vnd.oci.image.manifest.v1+json', c: 'application/vnd.oci.image.config.v1+json', l: 'application/vnd.oci.image.layer.v1.tar+gzip' }
    : { m: 'application/vnd.docker.distribution.manifest.v2+json', c: 'application/vnd.docker.container.image.v1+json', l: 'application/vnd.docker.image.rootfs.diff.tar.gzip' };
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: mt.m,
    config: { mediaType: mt.c, size: config.length, digest: configDigest },
    layers: gz.map((g, i) => ({ mediaType: mt.l, size: g.length, digest: layerDigests[i] })),
  }));
  const manifestDigest = await putManifest(base, repo, ref ?? sha256(manifest), manifest, mt.m);
  return { manifestDigest, configDigest, layerDigests, diffIds, manifest };
}

export async function uploadIndex(base: string, repo: string, tag: string, entries: Array<{ img: UploadedImage; arch: string; variant?: string }>, oci = true): Promise<string> {
  const index = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: oci ? 'application/vnd.oci.image.index.v1+json' : 'application/vnd.docker.distribution.manifest.list.v2+json',
    manifests: entries.map((e) => ({
      mediaType: oci ? 'application/vnd.oci.image.manifest.v1+json' : 'application/vnd.docker.distribution.manifest.v2+json',
      size: e.img.manifest.length, digest: e.img.manifestDigest,
      platform: { architecture: e.arch, os: 'linux', ...(e.variant ? { variant: e.variant } : {}) },
    })),
  }));
  return putManifest(base, repo, tag, index, oci ? 'application/vnd.oci.image.index.v1+json' : 'application/vnd.docker.distribution.manifest.list.v2+json');
}

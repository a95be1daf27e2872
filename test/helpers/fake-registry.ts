// A misbehaving registry for failure tests, run as its own process (tests block in spawnSync while wharfd
// talks to it): `node fake-registry.js` prints its port. It serves one small valid image under every
// repository; the repository's first path component picks the fault:
//   good      correct answers
//   badlayer  the layer's bytes do not match its digest
//   truncated the layer body stops halfway and the connection closes (every time)
//   flaky     the first two blob GETs answer 503, then correct answers
//   ratelimit manifests answer 429 TOOMANYREQUESTS
//   denied    manifests answer 403 DENIED
//   err500    manifests answer 500 with an HTML body
//   hang      the layer body stops halfway and the connection stays open
//   badmedia  the manifest's layer has an unknown media type
import { createHash } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function layerTar(): Promise<Buffer> {
  const pack = tar.pack();
  pack.entry({ name: 'fault.txt', mode: 0o644, mtime: new Date(0) }, 'x'.repeat(200_000));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const raw = await layerTar();
const layer = gzipSync(raw);
const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Cmd: ['sh'] }, rootfs: { type: 'layers', diff_ids: [sha(raw)] } }));
const manifestFor = (layerType: string) => Buffer.from(JSON.stringify({
  schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
  config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: sha(config) },
  layers: [{ mediaType: layerType, size: layer.length, digest: sha(layer) }],
}));
const flakyCount = new Map<string, number>();

function errcode(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ errors: [{ code, message, detail: null }] }));
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/v2/') { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end('{}'); return; }
  const m = /^\/v2\/(([a-z0-9]+)\/[a-z0-9/]+)\/(manifests|blobs)\/(.+)$/.exec(url.pathname);
  if (!m) { errcode(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry'); return; }
  const [, repo, fault, kind, ref] = m as unknown as [string, string, string, string, string];
  if (kind === 'manifests') {
    if (fault === 'ratelimit') { res.setHeader('Retry-After', '0'); errcode(res, 429, 'TOOMANYREQUESTS', 'You have reached your pull rate limit.'); return; }
    if (fault === 'denied') { errcode(res, 403, 'DENIED', 'requested access to the resource is denied'); return; }
    if (fault === 'err500') { res.writeHead(500, { 'Content-Type': 'text/html' }); res.end('<html>oops</html>'); return; }
    const body = manifestFor(fault === 'badmedia' ? 'application/x-nonsense' : 'application/vnd.docker.image.rootfs.diff.tar.gzip');
    res.writeHead(200, { 'Content-Type': 'application/vnd.docker.distribution.manifest.v2+json', 'Docker-Content-Digest': sha(body), 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  if (ref === sha(config)) { res.writeHead(200, { 'Content-Length': config.length }); res.end(config); return; }
  if (ref !== sha(layer)) { errcode(res, 404, 'BLOB_UNKNOWN', 'blob unknown to registry'); return; }
  if (fault === 'flaky') {
    const n = (flakyCount.get(repo) ?? 0) + 1;
    flakyCount.set(repo, n);
    if (n <= 2) { res.writeHead(503); res.end(); return; }
  }
  if (fault === 'badlayer') {
    const wrong = Buffer.from(layer);
    wrong[wrong.length - 20]! ^= 0xff;
    res.writeHead(200, { 'Content-Length': wrong.length });
    res.end(wrong);
    return;
  }
  if (fault === 'truncated' || fault === 'hang') {
    res.writeHead(200, { 'Content-Length': layer.length });
    res.write(layer.subarray(0, layer.length >> 1));
    if (fault === 'truncated') setTimeout(() => res.socket?.destroy(), 20);
    return;
  }
  res.writeHead(200, { 'Content-Length': layer.length });
  res.end(layer);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as { port: number }).port}\n`));

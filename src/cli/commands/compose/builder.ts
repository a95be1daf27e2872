// How compose verbs pull and build service images: through the daemon's /images/create and /build with
// compose's progress lines (shared by up, create, run, pull and build).
import { buildContextTar, jsonLines } from '../../../client/index.js';
import { ComposeError, type Builder } from '../../../compose/index.js';
import type { ComposeCtx } from './compose.js';

/** Pull and build through the daemon, with compose's progress lines. */
export function builder(cc: ComposeCtx): Builder {
  return {
    async pull(s) {
      const client = await cc.ctx.client();
      const p = cc.progress('Pulling');
      p.event({ kind: 'Service', name: s.name, status: 'Pulling', done: false });
      const [repo, tag] = splitTag(s.image!);
      const res = await client.imageCreate(repo, tag, s.platform);
      for await (const m of jsonLines(res)) {
        if (m.error) {
          p.event({ kind: 'Service', name: s.name, status: 'Error', done: true, error: true });
          p.finish();
          throw new ComposeError(m.error);
        }
      }
      p.event({ kind: 'Service', name: s.name, status: 'Pulled', done: true });
      p.finish();
    },
    async build(s) {
      const b = s.build!;
      const client = await cc.ctx.client();
      const p = cc.progress('Building');
      p.event({ kind: 'Service', name: s.name, status: 'Building', done: false });
      const tar = await buildContextTar(b.context, { dockerfileRel: b.dockerfile ?? 'Dockerfile' });
      const args = Object.fromEntries(Object.entries(b.args ?? {}).map(([k, v]) => [k, v ?? cc.ctx.env[k] ?? null]));
      const res = await client.imageBuild(tar.stream, {
        t: [s.image!],
        dockerfile: tar.dockerfile || undefined,
        buildargs: JSON.stringify(args),
        labels: JSON.stringify(b.labels ?? {}),
        target: b.target,
        nocache: b.no_cache ? '1' : undefined,
        pull: b.pull ? '1' : undefined,
        rm: '1',
        networkmode: b.network ?? 'default',
      });
      for await (const m of jsonLines(res)) {
        if (m.errorDetail || m.error) {
          p.event({ kind: 'Service', name: s.name, status: 'Error', done: true, error: true });
          p.finish();
          throw new ComposeError(`failed to solve: ${m.errorDetail?.message ?? m.error ?? ''}`);
        }
        if (m.stream !== undefined) cc.ctx.io.out(m.stream);
      }
      p.event({ kind: 'Service', name: s.name, status: 'Built', done: true });
      p.finish();
    },
  };
}

function splitTag(image: string): [string, string] {
  const at = image.indexOf('@');
  if (at >= 0) return [image.slice(0, at), image.slice(at + 1)];
  const colon = image.lastIndexOf(':');
  if (colon > image.lastIndexOf('/')) return [image.slice(0, colon), image.slice(colon + 1)];
  return [image, 'latest'];
}

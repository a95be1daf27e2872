// Container routes (dockerd's api/server/router/container): lifecycle, inspection, logs, stats, archives.
// Attach and exec live in exec.ts because they hijack the connection.
import { InvalidParameter, NotFound, isNotFound } from '../../errors.js';
import type { ArchiveStat, LogsOptions, WaitCondition } from '../backend.js';
import { route, type ApiRequest, type Route } from '../router.js';
import { goStringify } from '../go-stringify.js';
import { pumpOutput, sendEmpty, sendJson, streamJsonLines } from '../response.js';
import { logUnclassified } from '../errors.js';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';

function id(r: ApiRequest): string { return r.params.name!; }

/** "seconds[.fraction]" as docker sends --since/--until for logs; 0 means "not given". */
function seconds(r: ApiRequest, key: string): number | undefined {
  const v = r.query.string(key);
  if (v === undefined || v === '') return undefined;
  if (!/^-?[0-9]+(\.[0-9]+)?$/.test(v)) throw new InvalidParameter(`invalid value for ${key}: ${v}`);
  const n = Number(v);
  return n === 0 ? undefined : n;
}

/** `tail`: "all", empty or anything unparsable or negative means every line (daemon/logs.go). */
function tail(v: string | undefined): number | undefined {
  if (v === undefined || !/^[0-9]+$/.test(v)) return undefined;
  return Number(v);
}

async function logs(r: ApiRequest): Promise<void> {
  const opts: LogsOptions = {
    follow: r.query.bool('follow'),
    stdout: r.query.bool('stdout'),
    stderr: r.query.bool('stderr'),
    since: seconds(r, 'since'),
    until: seconds(r, 'until'),
    timestamps: r.query.bool('timestamps'),
    tail: tail(r.query.string('tail')),
    details: r.query.bool('details'),
  };
  if (!opts.stdout && !opts.stderr) throw new InvalidParameter('Bad parameters: you must choose at least one stream');
  const out = await r.backend.containerLogs(id(r), opts, r.ctx);
  // dockerd 20.10 sends no Content-Type here; clients demultiplex according to the container's Tty.
  r.res.writeHead(200);
  r.res.flushHeaders();
  try {
    await pumpOutput(r.res, out.tty, out.output);
  } catch (err) {
    if (!r.res.destroyed) logUnclassified(err, 'logs');
  }
  r.res.end();
}

const WAIT_CONDITIONS = new Set(['not-running', 'next-exit', 'removed']);

async function wait(r: ApiRequest): Promise<void> {
  const raw = r.query.string('condition') ?? '';
  if (raw !== '' && !WAIT_CONDITIONS.has(raw)) throw new InvalidParameter(`invalid condition: "${raw}"`);
  const condition = (raw || 'not-running') as WaitCondition;
  const handle = await r.backend.waitContainer(id(r), condition, r.ctx);
  // dockerd flushes the headers once the wait is registered, so `docker run` knows it may start the container.
  r.res.writeHead(200, { 'Content-Type': 'application/json' });
  r.res.flushHeaders();
  let result;
  try {
    result = await handle.result;
  } catch (err) {
    logUnclassified(err, 'wait');
    r.res.destroy();
    return;
  }
  r.res.end(goStringify({ Error: result.Error ?? null, StatusCode: result.StatusCode }) + '\n');
}

function statHeader(stat: ArchiveStat): string {
  return Buffer.from(JSON.stringify(stat)).toString('base64');
}

function archivePath(r: ApiRequest): string {
  const p = r.query.string('path');
  if (p === undefined || p === '') throw new InvalidParameter('path cannot be empty');
  return p;
}

async function sendStream(r: ApiRequest, contentType: string, body: Readable, headers: Record<string, string> = {}): Promise<void> {
  r.res.writeHead(200, { 'Content-Type': contentType, ...headers });
  try {
    await pipeline(body, r.res);
  } catch (err) {
    if (!r.res.destroyed) logUnclassified(err, 'stream');
    r.res.destroy();
  }
}

function stopTimeout(r: ApiRequest): { t?: number } {
  const t = r.query.int('t');
  return t === undefined ? {} : { t };
}

export const containerRoutes: Route[] = [
  route('GET', '/containers/json', async (r) => {
    const list = await r.backend.listContainers({
      all: r.query.bool('all'), limit: r.query.int('limit'), size: r.query.bool('size'), filters: r.query.filters(),
    }, r.ctx);
    sendJson(r.res, 200, list);
  }),
  route('POST', '/containers/create', async (r) => {
    const body = await r.json(true);
    const created = await r.backend.createContainer({ name: r.query.nonEmpty('name'), platform: r.query.nonEmpty('platform') }, body, r.ctx);
    sendJson(r.res, 201, created);
  }),
  route('POST', '/containers/prune', async (r) => sendJson(r.res, 200, await r.backend.pruneContainers(r.query.filters(), r.ctx))),
  route('GET', '/containers/{name}/json', async (r) => sendJson(r.res, 200, await r.backend.inspectContainer(id(r), { size: r.query.bool('size') }, r.ctx))),
  route('GET', '/containers/{name}/top', async (r) => sendJson(r.res, 200, await r.backend.topContainer(id(r), r.query.nonEmpty('ps_args'), r.ctx))),
  route('GET', '/containers/{name}/logs', logs),
  route('GET', '/containers/{name}/changes', async (r) => sendJson(r.res, 200, await r.backend.containerChanges(id(r), r.ctx))),
  route('GET', '/containers/{name}/export', async (r) => sendStream(r, 'application/x-tar', await r.backend.exportContainer(id(r), r.ctx))),
  route('GET', '/containers/{name}/stats', async (r) => {
    const stats = await r.backend.containerStats(id(r), { stream: r.query.boolOr('stream', true), oneShot: r.query.bool('one-shot') }, r.ctx);
    await streamJsonLines(r.res, stats, { newline: '\n', eagerHeaders: false, where: 'stats' });
  }),
  route('POST', '/containers/{name}/resize', async (r) => {
    await r.backend.resizeContainer(id(r), { h: r.query.atoi('h'), w: r.query.atoi('w') }, r.ctx);
    sendEmpty(r.res, 200);
  }),
  route('POST', '/containers/{name}/start', async (r) => {
    // dockerd ignores a start body since 1.24 and checks no Content-Type (the 20.10 client sends text/plain).
    r.req.resume();
    await r.backend.startContainer(id(r), { detachKeys: r.query.nonEmpty('detachKeys') }, r.ctx);
    sendEmpty(r.res, 204);
  }),
  route('POST', '/containers/{name}/stop', async (r) => {
    await r.backend.stopContainer(id(r), stopTimeout(r), r.ctx);
    sendEmpty(r.res, 204);
  }),
  route('POST', '/containers/{name}/restart', async (r) => {
    await r.backend.restartContainer(id(r), stopTimeout(r), r.ctx);
    sendEmpty(r.res, 204);
  }),
  route('POST', '/containers/{name}/kill', async (r) => {
    // dockerd's postContainersKill wraps the backend's error: "Cannot kill container: x: No such container: x".
    await r.backend.killContainer(id(r), { signal: r.query.nonEmpty('signal') }, r.ctx).catch((err: unknown) => {
      throw isNotFound(err) ? new NotFound(`Cannot kill container: ${id(r)}: ${(err as Error).message}`, { cause: err }) : err;
    });
    sendEmpty(r.res, 204);
  }),
  route('POST', '/containers/{name}/wait', wait),
  route('POST', '/containers/{name}/rename', async (r) => {
    await r.backend.renameContainer(id(r), r.query.string('name') ?? '', r.ctx);
    sendEmpty(r.res, 204);
  }),
  route('POST', '/containers/{name}/update', async (r) => {
    const body = await r.json(true);
    sendJson(r.res, 200, await r.backend.updateContainer(id(r), body, r.ctx));
  }),
  route('POST', '/containers/{name}/pause', async (r) => {
    await r.backend.pauseContainer(id(r), r.ctx);
    sendEmpty(r.res, 204);
  }),
  route('POST', '/containers/{name}/unpause', async (r) => {
    await r.backend.unpauseContainer(id(r), r.ctx);
    sendEmpty(r.res, 204);
  }),
  route('DELETE', '/containers/{name}', async (r) => {
    const opts = { force: r.query.bool('force'), v: r.query.bool('v'), link: r.query.bool('link') };
    await r.backend.removeContainer(id(r), opts, r.ctx);
    sendEmpty(r.res, 204);
  }),
  // A legacy link's name has a slash in it ("parent/alias"): dockerd's route takes the whole rest of the path.
  route('DELETE', '/containers/{name}/{alias}', async (r) => {
    const opts = { force: r.query.bool('force'), v: r.query.bool('v'), link: r.query.bool('link') };
    await r.backend.removeContainer(`${id(r)}/${r.params.alias!}`, opts, r.ctx);
    sendEmpty(r.res, 204);
  }),
  route('HEAD', '/containers/{name}/archive', async (r) => {
    const stat = await r.backend.headArchive(id(r), archivePath(r), r.ctx);
    r.res.writeHead(200, { 'X-Docker-Container-Path-Stat': statHeader(stat), 'Content-Type': 'application/json' });
    r.res.end();
  }),
  route('GET', '/containers/{name}/archive', async (r) => {
    const { stat, tar } = await r.backend.getArchive(id(r), archivePath(r), r.ctx);
    await sendStream(r, 'application/x-tar', tar, { 'X-Docker-Container-Path-Stat': statHeader(stat) });
  }),
  route('PUT', '/containers/{name}/archive', async (r) => {
    const opts = { path: archivePath(r), noOverwriteDirNonDir: r.query.bool('noOverwriteDirNonDir'), copyUIDGID: r.query.bool('copyUIDGID') };
    await r.backend.putArchive(id(r), opts, r.body, r.ctx);
    sendEmpty(r.res, 200);
  }),
  route('POST', '/commit', async (r) => {
    const body = await r.json(false);
    const opts = {
      container: r.query.string('container') ?? '',
      repo: r.query.nonEmpty('repo'),
      tag: r.query.nonEmpty('tag'),
      comment: r.query.nonEmpty('comment'),
      author: r.query.nonEmpty('author'),
      pause: r.query.boolOr('pause', true),
      changes: r.query.all('changes'),
    };
    sendJson(r.res, 201, await r.backend.commit(opts, body, r.ctx));
  }),
];

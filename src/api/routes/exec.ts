// The hijacking routes (attach, exec start) and the rest of exec. Backend errors raised before the takeover
// (no such container, exec already running) are ordinary HTTP replies; after it, the output simply ends.
import { InvalidParameter } from '../../errors.js';
import { decodeObject, hijackRoute, route, type HijackRequest, type Route } from '../router.js';
import { sendEmpty, sendJson } from '../response.js';
import type { Query } from '../query.js';
import type { AttachOptions } from '../backend.js';
import { goFields } from '../go-json.js';

/** types.ExecConfig's fields (API 1.41). */
const EXEC_CONFIG_FIELDS = ['User', 'Privileged', 'Tty', 'ConsoleSize', 'AttachStdin', 'AttachStderr', 'AttachStdout', 'Detach', 'DetachKeys', 'Env', 'WorkingDir', 'Cmd'];

/** The attach query both attach routes read. */
function attachOptions(q: Query): AttachOptions {
  return {
    stdin: q.bool('stdin'), stdout: q.bool('stdout'), stderr: q.bool('stderr'), stream: q.bool('stream'), logs: q.bool('logs'),
    detachKeys: q.nonEmpty('detachKeys'),
  };
}

async function attach(r: HijackRequest): Promise<void> {
  await r.hijack.body(); // attach has no body; drain whatever Content-Length announced so it is not stdin
  let att;
  try {
    att = await r.backend.attachContainer(r.params.name!, attachOptions(r.query), r.ctx);
  } catch (err) {
    r.hijack.failRaw(err, 'attach');
    return;
  }
  // dockerd's attach reply carries only the hijack headers (no Api-Version and friends).
  await r.hijack.serve(att, false);
}

/**
 * GET /containers/{id}/attach/ws. dockerd looks the container up first (a missing one is an ordinary JSON 404),
 * then upgrades; a request that is not a version-13 websocket handshake gets 400 (dockerd would hang on it).
 */
async function attachWebSocket(r: HijackRequest): Promise<void> {
  const key = r.headers['sec-websocket-key'];
  const isWebSocket = String(r.headers.upgrade ?? '').toLowerCase() === 'websocket' && typeof key === 'string' && key !== '';
  if (!isWebSocket || r.headers['sec-websocket-version'] !== '13') {
    r.hijack.reply(400, { message: 'websocket: the request is not a version 13 websocket handshake' });
    return;
  }
  const att = await r.backend.attachContainer(r.params.name!, attachOptions(r.query), r.ctx);
  await r.hijack.serveWebSocket(att, key, versionAtLeast(r.ctx.apiVersion, 1, 28));
}

function versionAtLeast(v: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = v.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

async function execStart(r: HijackRequest): Promise<void> {
  const body = goFields(decodeObject(await r.hijack.body(), true), ['Detach', 'Tty', 'ConsoleSize']);
  if (body.Detach !== undefined && typeof body.Detach !== 'boolean') throw new InvalidParameter('json: cannot unmarshal into Go struct field ExecStartCheck.Detach of type bool');
  // dockerd sends its hijack reply before the process starts: output that followed the reply head in the
  // same read would be lost to clients that read the head buffered and then the raw socket (docker-py).
  let headSent = false;
  const beforeRun = body.Detach === true ? undefined : async () => { await r.hijack.writeHead(true); headSent = true; };
  const opts = { detach: body.Detach === true, tty: body.Tty === true, beforeRun };
  let att;
  try {
    att = await r.backend.startExec(r.params.name!, opts, r.ctx);
  } catch (err) {
    if (!headSent) throw err;
    // After the takeover dockerd writes the failure into the stream (daemon/exec.go).
    r.hijack.failInStream(err, 'exec start');
    return;
  }
  if (att === undefined) {
    r.hijack.reply(200); // detached: a plain 200 with no body, as dockerd
    return;
  }
  // dockerd frames the output by the start request's Tty, not the exec's: a TTY exec started without it
  // (docker-py's default) gets its terminal output in stdout frames.
  att.tty = opts.tty;
  // dockerd's exec reply repeats the middleware headers after the hijack line.
  await r.hijack.serve(att, true);
}

export const execRoutes: Route[] = [
  hijackRoute('POST', '/containers/{name}/attach', attach),
  hijackRoute('GET', '/containers/{name}/attach/ws', attachWebSocket),
  hijackRoute('POST', '/exec/{name}/start', execStart),
  route('POST', '/containers/{name}/exec', async (r) => {
    const body = goFields(await r.json(true), EXEC_CONFIG_FIELDS);
    sendJson(r.res, 201, await r.backend.createExec(r.params.name!, body, r.ctx));
  }),
  route('POST', '/exec/{name}/resize', async (r) => {
    await r.backend.resizeExec(r.params.name!, { h: r.query.atoi('h'), w: r.query.atoi('w') }, r.ctx);
    sendEmpty(r.res, 200);
  }),
  route('GET', '/exec/{name}/json', async (r) => sendJson(r.res, 200, await r.backend.inspectExec(r.params.name!, r.ctx))),
];

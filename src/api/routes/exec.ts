// The hijacking routes (attach, exec start) and the rest of exec. Backend errors raised before the takeover
// (no such container, exec already running) are ordinary HTTP replies; after it, the output simply ends.
import { InvalidParameter } from '../../errors.js';
import { decodeObject, hijackRoute, route, type HijackRequest, type Route } from '../router.js';
import { sendEmpty, sendJson } from '../response.js';

async function attach(r: HijackRequest): Promise<void> {
  await r.hijack.body(); // attach has no body; drain whatever Content-Length announced so it is not stdin
  const q = r.query;
  const opts = {
    stdin: q.bool('stdin'),
    stdout: q.bool('stdout'),
    stderr: q.bool('stderr'),
    stream: q.bool('stream'),
    logs: q.bool('logs'),
    detachKeys: q.nonEmpty('detachKeys'),
  };
  let att;
  try {
    att = await r.backend.attachContainer(r.params.name!, opts, r.ctx);
  } catch (err) {
    r.hijack.failRaw(err, 'attach');
    return;
  }
  // dockerd's attach reply carries only the hijack headers (no Api-Version and friends).
  await r.hijack.serve(att, false);
}

async function execStart(r: HijackRequest): Promise<void> {
  const body = decodeObject(await r.hijack.body(), true);
  if (body.Detach !== undefined && typeof body.Detach !== 'boolean') throw new InvalidParameter('json: cannot unmarshal into Go struct field ExecStartCheck.Detach of type bool');
  const opts = { detach: body.Detach === true, tty: body.Tty === true };
  const att = await r.backend.startExec(r.params.name!, opts, r.ctx);
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
  hijackRoute('POST', '/exec/{name}/start', execStart),
  route('POST', '/containers/{name}/exec', async (r) => {
    const body = await r.json(true);
    sendJson(r.res, 201, await r.backend.createExec(r.params.name!, body, r.ctx));
  }),
  route('POST', '/exec/{name}/resize', async (r) => {
    await r.backend.resizeExec(r.params.name!, { h: r.query.atoi('h'), w: r.query.atoi('w') }, r.ctx);
    sendEmpty(r.res, 200);
  }),
  route('GET', '/exec/{name}/json', async (r) => sendJson(r.res, 200, await r.backend.inspectExec(r.params.name!, r.ctx))),
];

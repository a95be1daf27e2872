// docker run: create (pulling a missing image), attach before start, wait registered before start,
// start, then exit with the container's status. Follows docker/cli's runContainer step by step.
import type { Client, ContainerCreateBody, HijackedConn } from '../../../client/index.js';
import { errorText, reportError, startErrorCode, StatusError, type Command, type Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { buildCreateBody, CREATE_FLAGS, RUN_ONLY_FLAGS } from './create-options.js';
import { createContainer } from './create-container.js';
import { streamHijacked } from './attach-streams.js';
import { monitorTtySize } from './tty.js';

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

/** Proxies the CLI's signals to the container (--sig-proxy, on by default). */
export function proxySignals(ctx: Ctx, client: Client, id: string): () => void {
  const offs = FORWARDED.map((sig) => ctx.onSignal(sig, () => { client.containerKill(id, sig).catch(() => undefined); }));
  return () => offs.forEach((off) => off());
}

export function parseRunBody(ctx: Ctx, flags: FlagValues, args: string[], detach: boolean): ContainerCreateBody {
  try {
    return buildCreateBody(flags, args[0]!, args.slice(1), ctx.env, detach);
  } catch (err) {
    if (err instanceof Error && err.message === 'Conflicting options: -a and -d') throw err;
    reportError(ctx, (err as Error).message, true);
    throw new StatusError('', 125);
  }
}

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const detach = flags.detach === true;
  const body = parseRunBody(ctx, flags, args, detach);
  body.ArgsEscaped = false;
  if (!detach && body.AttachStdin && body.Tty && !ctx.io.stdinIsTTY) throw new Error('the input device is not a TTY');
  const client = await ctx.client();
  let id: string;
  try {
    id = await createContainer(ctx, client, body, {
      name: flags.name as string | undefined, pull: flags.pull as string | undefined, quiet: flags.quiet === true, platform: flags.platform as string | undefined,
    });
  } catch (err) {
    reportError(ctx, errorText(err), true);
    return startErrorCode(err);
  }
  // docker/cli forwards signals only without a TTY: with one, ^C is a byte the container's terminal turns into SIGINT.
  const stopProxy = flags['sig-proxy'] !== false && !body.Tty ? proxySignals(ctx, client, id) : () => undefined;
  let stopResize = () => { /* no terminal */ };
  try {
    if (!body.AttachStdout && !body.AttachStderr) ctx.io.out(`${id}\n`);
    // Attach and wait must both be in place before the start; they go out together (docker run sends them
    // one after the other), which saves a round trip.
    const attaching = body.AttachStdin || body.AttachStdout || body.AttachStderr
      ? client.containerAttach(id, { stdin: body.AttachStdin, stdout: body.AttachStdout, stderr: body.AttachStderr, detachKeys: flags['detach-keys'] as string | undefined })
      : undefined;
    const waiting = detach ? undefined : client.containerWait(id, body.HostConfig.AutoRemove ? 'removed' : 'next-exit');
    waiting?.catch(() => undefined); // reported below, after the attach's own error if both fail
    const conn: HijackedConn | undefined = await attaching;
    const status = (await waiting)?.result;
    const streaming = conn && streamHijacked(ctx, conn, {
      tty: body.Tty === true, stdin: body.AttachStdin === true, stdout: body.AttachStdout === true, stderr: body.AttachStderr === true,
      detachKeys: flags['detach-keys'] as string | undefined,
    });
    try {
      await client.containerStart(id);
    } catch (err) {
      conn?.close();
      await streaming?.catch(() => undefined);
      reportError(ctx, errorText(err), false);
      if (body.HostConfig.AutoRemove) await status?.catch(() => undefined);
      return startErrorCode(err);
    }
    if (conn && body.Tty && ctx.io.stdoutIsTTY) stopResize = monitorTtySize(ctx, (h, w) => client.containerResize(id, h, w));
    // Detaching (the escape keys) leaves the container running and exits 0, as docker run does.
    if ((await streaming) === 'detached') return 0;
    if (!body.AttachStdout && !body.AttachStderr) return 0;
    const res = await status!;
    return res.StatusCode;
  } finally {
    stopProxy();
    stopResize();
  }
}

const command: Command = {
  spec: {
    use: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
    short: 'Run a command in a new container',
    flags: [...CREATE_FLAGS, ...RUN_ONLY_FLAGS],
    args: { kind: 'min', n: 1 },
    interspersed: false,
    helpShort: false,
  },
  run,
};
export default command;

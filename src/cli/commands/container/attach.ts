// docker attach, after docker/cli's runAttach: register the wait first, check the container runs (before
// and again after attaching, so a container that stopped in between does not leave us hanging), attach
// stdin only when the container keeps it open, proxy signals without a TTY, nudge the TTY size so the
// program redraws, then exit with the container's status. Detaching prints "read escape sequence", exit 1.
import type { ContainerInspect } from '../../../client/index.js';
import { StatusError, type Command, type Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { streamHijacked } from './attach-streams.js';
import { proxySignals } from './run.js';
import { monitorTtySize, redrawTty } from './tty.js';

/** docker/cli's inspectContainerAndCheckState (its messages carry no "Error response from daemon"). */
function checkState(c: ContainerInspect): void {
  if (!c.State.Running) throw new StatusError('You cannot attach to a stopped container, start it first', 1);
  if (c.State.Paused) throw new StatusError('You cannot attach to a paused container, unpause it first', 1);
  if (c.State.Status === 'restarting') throw new StatusError('You cannot attach to a restarting container, wait until it is running', 1);
}

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const client = await ctx.client();
  const name = args[0]!;
  const wait = client.containerWait(name, 'not-running');
  wait.catch(() => undefined);
  const c = await client.containerInspect(name);
  checkState(c);
  const stdin = flags['no-stdin'] !== true && c.Config.OpenStdin === true;
  if (stdin && c.Config.Tty && !ctx.io.stdinIsTTY) throw new Error('the input device is not a TTY');
  const detachKeys = flags['detach-keys'] as string | undefined;
  const stopProxy = flags['sig-proxy'] !== false && !c.Config.Tty ? proxySignals(ctx, client, name) : () => undefined;
  let stopResize = () => { /* no terminal */ };
  try {
    const conn = await client.containerAttach(name, { stdin, stdout: true, stderr: true, detachKeys });
    try { checkState(await client.containerInspect(name)); } catch (err) { conn.close(); throw err; }
    if (c.Config.Tty && ctx.io.stdoutIsTTY) {
      const resize = (h: number, w: number) => client.containerResize(name, h, w);
      await redrawTty(ctx, resize);
      stopResize = monitorTtySize(ctx, resize);
    }
    const outcome = await streamHijacked(ctx, conn, { tty: c.Config.Tty === true, stdin, stdout: true, stderr: true, detachKeys });
    if (outcome === 'detached') throw new StatusError('read escape sequence', 1);
    const status = await (await wait).result;
    if (status.Error?.Message) throw new StatusError(status.Error.Message, 1);
    return status.StatusCode;
  } finally {
    stopProxy();
    stopResize();
  }
}

const command: Command = {
  spec: {
    use: '[OPTIONS] CONTAINER',
    short: 'Attach local standard input, output, and error streams to a running container',
    flags: [
      { name: 'detach-keys', type: 'string', usage: 'Override the key sequence for detaching a container' },
      { name: 'no-stdin', type: 'bool', usage: 'Do not attach STDIN' },
      { name: 'sig-proxy', type: 'bool', usage: 'Proxy all received signals to the process', defaultText: 'true' },
    ],
    args: { kind: 'exact', n: 1 },
  },
  run,
};
export default command;

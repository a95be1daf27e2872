// docker start: plain start prints each name as given and collects failures; -a/-i attach to one
// container (attach, register the wait, start) and exit with its status.
import type { Command, Ctx } from '../../command.js';
import { errorText } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { streamHijacked } from './attach-streams.js';
import { proxySignals } from './run.js';
import { monitorTtySize } from './tty.js';

async function startAttached(ctx: Ctx, flags: FlagValues, name: string): Promise<number> {
  const client = await ctx.client();
  const c = await client.containerInspect(name);
  const stopProxy = c.Config.Tty ? () => undefined : proxySignals(ctx, client, c.Id);
  let stopResize = () => { /* no terminal */ };
  try {
    const stdin = flags.interactive === true && c.Config.OpenStdin === true;
    const conn = await client.containerAttach(c.Id, { stdin, stdout: true, stderr: true, detachKeys: flags['detach-keys'] as string | undefined });
    const status = (await client.containerWait(c.Id, c.HostConfig.AutoRemove ? 'removed' : 'next-exit')).result;
    const streaming = streamHijacked(ctx, conn, { tty: c.Config.Tty === true, stdin, stdout: true, stderr: true, detachKeys: flags['detach-keys'] as string | undefined });
    try {
      await client.containerStart(c.Id);
    } catch (err) {
      conn.close();
      await streaming.catch(() => undefined);
      throw err;
    }
    if (c.Config.Tty && ctx.io.stdoutIsTTY) stopResize = monitorTtySize(ctx, (h, w) => client.containerResize(c.Id, h, w));
    // docker start -a exits 0 without a word when the user detaches.
    if ((await streaming) === 'detached') return 0;
    return (await status).StatusCode;
  } finally {
    stopProxy();
    stopResize();
  }
}

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  if (flags.attach === true || flags.interactive === true) {
    if (args.length > 1) throw new Error('you cannot start and attach multiple containers at once');
    return startAttached(ctx, flags, args[0]!);
  }
  const client = await ctx.client();
  const failed: string[] = [];
  for (const name of args) {
    try {
      await client.containerStart(name);
      ctx.io.out(`${name}\n`);
    } catch (err) {
      ctx.io.err(`${errorText(err)}\n`);
      failed.push(name);
    }
  }
  if (failed.length) throw new Error(`Error: failed to start containers: ${failed.join(', ')}`);
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS] CONTAINER [CONTAINER...]',
    short: 'Start one or more stopped containers',
    flags: [
      { name: 'attach', short: 'a', type: 'bool', usage: 'Attach STDOUT/STDERR and forward signals' },
      { name: 'detach-keys', type: 'string', usage: 'Override the key sequence for detaching a container' },
      { name: 'interactive', short: 'i', type: 'bool', usage: "Attach container's STDIN" },
    ],
    args: { kind: 'min', n: 1 },
  },
  run,
};
export default command;

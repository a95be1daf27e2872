// docker exec: create the exec, start it hijacked (or detached with -d), then exit with its exit code
// from exec inspect, as docker/cli's getExecExitStatus does.
import { StatusError, type Command, type Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { streamHijacked } from './attach-streams.js';
import { monitorTtySize } from './tty.js';

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const [container, ...cmd] = args as [string, ...string[]];
  const detach = flags.detach === true;
  const tty = flags.tty === true;
  const stdin = flags.interactive === true;
  const client = await ctx.client();
  // docker/cli inspects first so that "Error: No such container: x" wins over the TTY check and no exec leaks.
  await client.containerInspect(container);
  if (!detach && stdin && tty && !ctx.io.stdinIsTTY) throw new Error('the input device is not a TTY');
  const env = ((flags.env as string[] | undefined) ?? []).map((e) => (e.includes('=') || ctx.env[e] === undefined ? e : `${e}=${ctx.env[e]}`));
  const created = await client.execCreate(container, {
    User: (flags.user as string | undefined) ?? '', Privileged: flags.privileged === true, Tty: tty,
    AttachStdin: stdin && !detach, AttachStderr: !detach, AttachStdout: !detach, Detach: detach,
    DetachKeys: (flags['detach-keys'] as string | undefined) ?? '', Env: env.length ? env : null,
    WorkingDir: (flags.workdir as string | undefined) ?? '', Cmd: cmd,
  });
  if (detach) {
    await client.execStartDetached(created.Id, { Detach: true, Tty: tty });
    return 0;
  }
  const conn = await client.execStartAttached(created.Id, { Detach: false, Tty: tty });
  const detachKeys = flags['detach-keys'] as string | undefined;
  const streaming = streamHijacked(ctx, conn, { tty, stdin, stdout: true, stderr: true, detachKeys });
  // docker/cli follows the window only when its stdin is a terminal too.
  const stopResize = tty && ctx.io.stdinIsTTY ? monitorTtySize(ctx, (h, w) => client.execResize(created.Id, h, w)) : () => undefined;
  try {
    // Detaching from an exec is an error for docker/cli: "read escape sequence", exit 1.
    if ((await streaming) === 'detached') throw new StatusError('read escape sequence', 1);
  } finally {
    stopResize();
  }
  const info = await client.execInspect(created.Id);
  return info.ExitCode ?? 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS] CONTAINER COMMAND [ARG...]',
    short: 'Run a command in a running container',
    flags: [
      { name: 'detach', short: 'd', type: 'bool', usage: 'Detached mode: run command in the background' },
      { name: 'detach-keys', type: 'string', usage: 'Override the key sequence for detaching a container' },
      { name: 'env', short: 'e', type: 'list', usage: 'Set environment variables' },
      { name: 'env-file', type: 'list', usage: 'Read in a file of environment variables' },
      { name: 'interactive', short: 'i', type: 'bool', usage: 'Keep STDIN open even if not attached' },
      { name: 'privileged', type: 'bool', usage: 'Give extended privileges to the command' },
      { name: 'tty', short: 't', type: 'bool', usage: 'Allocate a pseudo-TTY' },
      { name: 'user', short: 'u', type: 'string', usage: 'Username or UID (format: <name|uid>[:<group|gid>])' },
      { name: 'workdir', short: 'w', type: 'string', usage: 'Working directory inside the container' },
    ],
    args: { kind: 'min', n: 2 },
    interspersed: false,
  },
  run,
};
export default command;

// docker logs: stdout frames to stdout, stderr frames to stderr (raw copy for a TTY container).
import { copyContainerStream } from '../../../client/index.js';
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { getTimestamp } from '../../timestamp.js';

/** The docker client library's wording: `invalid value for "since": failed to parse value as time or duration: "x"`. */
function timestampParam(flags: FlagValues, name: 'since' | 'until'): string | undefined {
  const v = flags[name] as string | undefined;
  if (!v) return undefined;
  try { return getTimestamp(v); } catch (err) { throw new Error(`invalid value for "${name}": ${(err as Error).message}`, { cause: err }); }
}

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const client = await ctx.client();
  // docker/cli 20.10 inspects first (for the TTY flag) and asks for the logs by ID, so a missing container
  // reports the client's "Error: No such container: x".
  const c = await client.containerInspect(args[0]!);
  const res = await client.containerLogs(c.Id, {
    stdout: true, stderr: true,
    since: timestampParam(flags, 'since'),
    until: timestampParam(flags, 'until'),
    timestamps: flags.timestamps === true || undefined,
    follow: flags.follow === true || undefined,
    tail: (flags.tail as string | undefined) ?? 'all',
    details: flags.details === true || undefined,
  });
  const off = ctx.onSignal('SIGINT', () => res.destroy());
  try {
    await copyContainerStream(res, c.Config.Tty === true, { stdout: (b) => ctx.io.out(b), stderr: (b) => ctx.io.err(b) });
  } finally {
    off();
    res.destroy();
  }
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS] CONTAINER',
    short: 'Fetch the logs of a container',
    flags: [
      { name: 'details', type: 'bool', usage: 'Show extra details provided to logs' },
      { name: 'follow', short: 'f', type: 'bool', usage: 'Follow log output' },
      { name: 'since', type: 'string', usage: 'Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)' },
      { name: 'tail', short: 'n', type: 'string', usage: 'Number of lines to show from the end of the logs', defaultText: '"all"' },
      { name: 'timestamps', short: 't', type: 'bool', usage: 'Show timestamps' },
      { name: 'until', type: 'string', usage: 'Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)' },
    ],
    args: { kind: 'exact', n: 1 },
  },
  run,
};
export default command;

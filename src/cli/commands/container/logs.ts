// docker logs: stdout frames to stdout, stderr frames to stderr (raw copy for a TTY container).
import { copyContainerStream } from '../../../client/index.js';
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { getTimestamp } from '../../timestamp.js';

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const client = await ctx.client();
  const c = await client.containerInspect(args[0]!);
  const since = flags.since as string | undefined;
  const until = flags.until as string | undefined;
  const res = await client.containerLogs(args[0]!, {
    stdout: true, stderr: true,
    since: since ? getTimestamp(since) : undefined,
    until: until ? getTimestamp(until) : undefined,
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

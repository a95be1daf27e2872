// docker export: the container's filesystem as a tar, to -o or to a non-terminal stdout.
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const output = flags.output as string | undefined;
  if (!output && ctx.io.stdoutIsTTY) throw new Error('cowardly refusing to save to a terminal. Use the -o flag or redirect');
  const client = await ctx.client();
  const res = await client.transport.request({ path: `/containers/${encodeURIComponent(args[0]!)}/export` });
  if (output) await pipeline(res, createWriteStream(output));
  else await pipeline(res, ctx.io.stdout, { end: false });
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS] CONTAINER',
    short: "Export a container's filesystem as a tar archive",
    flags: [{ name: 'output', short: 'o', type: 'string', usage: 'Write to a file, instead of STDOUT' }],
    args: { kind: 'exact', n: 1 },
  },
  run,
};
export default command;

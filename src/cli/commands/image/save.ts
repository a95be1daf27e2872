// docker save: the tar streams to -o (via a temporary file renamed into place) or to a non-terminal stdout.
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const output = flags.output as string | undefined;
  if (!output && ctx.io.stdoutIsTTY) throw new Error('cowardly refusing to save to a terminal. Use the -o flag or redirect');
  const client = await ctx.client();
  const res = await client.imageSave(args);
  if (!output) {
    await pipeline(res, ctx.io.stdout, { end: false });
    return 0;
  }
  const tmp = join(dirname(output), `.${basename(output)}.wharf-tmp-${process.pid}`);
  try {
    await pipeline(res, createWriteStream(tmp, { mode: 0o600 }));
    renameSync(tmp, output);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new Error(`failed to save image: ${(err as Error).message}`);
  }
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS] IMAGE [IMAGE...]',
    short: 'Save one or more images to a tar archive (streamed to STDOUT by default)',
    flags: [{ name: 'output', short: 'o', type: 'string', usage: 'Write to a file, instead of STDOUT' }],
    args: { kind: 'min', n: 1 },
  },
  run,
};
export default command;

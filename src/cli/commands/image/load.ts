// docker load: the tar from -i or stdin; the daemon's messages to stdout (quiet when stdout is no terminal).
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { readAll } from '../../../client/index.js';
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { displayJsonMessages } from './json-messages.js';

async function run(ctx: Ctx, flags: FlagValues): Promise<number> {
  const input = flags.input as string | undefined;
  if (!input && ctx.io.stdinIsTTY) throw new Error('requested load from stdin, but stdin is empty');
  let body: Readable = ctx.io.stdin;
  if (input) {
    body = createReadStream(input);
    await new Promise<void>((resolve, reject) => { body.once('open', () => resolve()); body.once('error', reject); }).catch((err: NodeJS.ErrnoException) => {
      // Go's *PathError text: "open x.tar: no such file or directory".
      const why: Record<string, string> = { ENOENT: 'no such file or directory', EACCES: 'permission denied', ENOTDIR: 'not a directory' };
      throw why[err.code ?? ''] ? new Error(`open ${input}: ${why[err.code!]}`, { cause: err }) : err;
    });
  }
  const quiet = flags.quiet === true || !ctx.io.stdoutIsTTY;
  const client = await ctx.client();
  const res = await client.imageLoad(body, quiet);
  if (String(res.headers['content-type'] ?? '').includes('application/json')) await displayJsonMessages(res, (s) => ctx.io.out(s));
  else ctx.io.out(await readAll(res));
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS]',
    short: 'Load an image from a tar archive or STDIN',
    flags: [
      { name: 'input', short: 'i', type: 'string', usage: 'Read from tar archive file, instead of STDIN' },
      { name: 'quiet', short: 'q', type: 'bool', usage: 'Suppress the load output' },
    ],
    args: { kind: 'none' },
  },
  run,
};
export default command;

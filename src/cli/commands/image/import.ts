// docker import file|URL|- [REPOSITORY[:TAG]]: the body is the tarball (stdin for "-"), progress to stdout.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { parseRef } from '../../image-ref.js';
import { displayJsonMessages } from './json-messages.js';

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const [source, ref] = args as [string, string?];
  if (ref) parseRef(ref);
  let body: Readable | undefined;
  let fromSrc = source;
  if (source === '-') body = ctx.io.stdin;
  else if (!/^(https?:\/\/|git:\/\/|github\.com\/)/.test(source)) {
    body = createReadStream(source);
    await new Promise<void>((resolve, reject) => { body!.once('open', () => resolve()); body!.once('error', reject); });
    fromSrc = '-';
  }
  const client = await ctx.client();
  const res = await client.imageImport(body, {
    fromSrc, repo: ref ?? '', tag: '', message: (flags.message as string | undefined) ?? '',
    changes: (flags.change as string[] | undefined) ?? [], platform: flags.platform as string | undefined,
  });
  await displayJsonMessages(res, (s) => ctx.io.out(s));
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS] file|URL|- [REPOSITORY[:TAG]]',
    short: 'Import the contents from a tarball to create a filesystem image',
    flags: [
      { name: 'change', short: 'c', type: 'list', usage: 'Apply Dockerfile instruction to the created image' },
      { name: 'message', short: 'm', type: 'string', usage: 'Set commit message for imported image' },
      { name: 'platform', type: 'string', usage: 'Set platform if server is multi-platform capable' },
    ],
    args: { kind: 'range', min: 1, max: 2 },
  },
  run,
};
export default command;

// docker pull: "Using default tag: latest" when none is given, progress lines, then the full reference.
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { fullReference, parseRef } from '../../image-ref.js';
import { displayJsonMessages } from './json-messages.js';
import { registryAuthFor } from '../../docker-config.js';

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const ref = parseRef(args[0]!);
  const all = flags['all-tags'] === true;
  if (all && (ref.tag !== undefined || ref.digest !== undefined)) throw new Error("tag can't be used with --all-tags/-a");
  let tag = ref.tag;
  if (!all && !tag && !ref.digest) {
    tag = 'latest';
    if (flags.quiet !== true) ctx.io.out('Using default tag: latest\n');
  }
  const client = await ctx.client();
  const res = await client.imageCreate(ref.name, all ? undefined : ref.digest ?? tag, flags.platform as string | undefined, await registryAuthFor(ctx.env, args[0]!));
  await displayJsonMessages(res, flags.quiet === true ? () => undefined : (s) => ctx.io.out(s), undefined, { isTerminal: ctx.io.stdoutIsTTY, columns: ctx.io.columns });
  ctx.io.out(`${fullReference(ref.name, all ? undefined : tag, ref.digest)}\n`);
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS] NAME[:TAG|@DIGEST]',
    short: 'Pull an image or a repository from a registry',
    flags: [
      { name: 'all-tags', short: 'a', type: 'bool', usage: 'Download all tagged images in the repository' },
      { name: 'disable-content-trust', type: 'bool', usage: 'Skip image verification', defaultText: 'true' },
      { name: 'platform', type: 'string', usage: 'Set platform if server is multi-platform capable' },
      { name: 'quiet', short: 'q', type: 'bool', usage: 'Suppress verbose output' },
    ],
    args: { kind: 'exact', n: 1 },
  },
  run,
};
export default command;

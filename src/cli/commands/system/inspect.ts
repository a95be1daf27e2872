// docker inspect: each name is tried as a container, then an image, network and volume (or only --type).
import { isNotFound } from '../../../errors.js';
import type { Command, Ctx } from '../../command.js';
import { errorText } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { inspectAll } from '../../inspect-output.js';

const KINDS = ['container', 'image', 'network', 'volume'] as const;

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const type = flags.type as string | undefined;
  if (type && !(KINDS as readonly string[]).includes(type)) throw new Error(`"${type}" is not a valid value for --type`);
  const client = await ctx.client();
  const kinds = type ? [type as typeof KINDS[number]] : KINDS;
  return inspectAll(ctx, flags.format as string | undefined, args, async (ref) => {
    for (const kind of kinds) {
      try {
        return await client.inspectRaw(kind, ref, kind === 'container' && flags.size === true);
      } catch (err) {
        if (!isNotFound(err)) throw new Error(errorText(err));
      }
    }
    throw new Error(type ? `Error: No such ${type}: ${ref}` : `Error: No such object: ${ref}`);
  });
}

const command: Command = {
  spec: {
    use: '[OPTIONS] NAME|ID [NAME|ID...]',
    short: 'Return low-level information on Docker objects',
    flags: [
      { name: 'format', short: 'f', type: 'string', usage: 'Format the output using the given Go template' },
      { name: 'size', short: 's', type: 'bool', usage: 'Display total file sizes if the type is container' },
      { name: 'type', type: 'string', usage: 'Return JSON for specified type' },
    ],
    args: { kind: 'min', n: 1 },
  },
  run,
};
export default command;

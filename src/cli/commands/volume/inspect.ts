// docker volume inspect.
import type { Command, Ctx } from '../../command.js';
import { errorText } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { inspectAll } from '../../inspect-output.js';

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const client = await ctx.client();
  return inspectAll(ctx, flags.format as string | undefined, args, async (ref) => {
    try { return await client.inspectRaw('volume', ref); } catch (err) { throw new Error(errorText(err)); }
  }, { typeName: 'types.Volume', noRaw: true }); // VolumeInspect, not ...WithRaw: no raw fallback
}

const command: Command = {
  spec: {
    use: '[OPTIONS] VOLUME [VOLUME...]',
    short: 'Display detailed information on one or more volumes',
    flags: [{ name: 'format', short: 'f', type: 'string', usage: 'Format the output using the given Go template' }],
    args: { kind: 'min', n: 1 },
  },
  run,
};
export default command;

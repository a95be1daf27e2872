// docker network inspect (--verbose is accepted; it only adds swarm service details in dockerd).
import type { Command, Ctx } from '../../command.js';
import { errorText } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { inspectAll } from '../../inspect-output.js';

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const client = await ctx.client();
  return inspectAll(ctx, flags.format as string | undefined, args, async (ref) => {
    try { return await client.inspectRaw('network', ref); } catch (err) { throw new Error(errorText(err)); }
  });
}

const command: Command = {
  spec: {
    use: '[OPTIONS] NETWORK [NETWORK...]',
    short: 'Display detailed information on one or more networks',
    flags: [
      { name: 'format', short: 'f', type: 'string', usage: 'Format the output using the given Go template' },
      { name: 'verbose', short: 'v', type: 'bool', usage: 'Verbose output for diagnostics' },
    ],
    args: { kind: 'min', n: 1 },
  },
  run,
};
export default command;

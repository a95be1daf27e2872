// docker create: the run flags minus the run-only ones; prints the new container's ID.
import { writeFileSync, existsSync } from 'node:fs';
import { reportError, StatusError, type Command, type Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { CREATE_FLAGS } from './create-options.js';
import { createContainer } from './create-container.js';
import { parseRunBody } from './run.js';

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const body = parseRunBody(ctx, flags, args, false);
  const cidfile = flags.cidfile as string | undefined;
  if (cidfile && existsSync(cidfile)) {
    reportError(ctx, `Container ID file found, make sure the other container isn't running or delete ${cidfile}`, true);
    throw new StatusError('', 125);
  }
  const client = await ctx.client();
  const id = await createContainer(ctx, client, body, { name: flags.name as string | undefined, pull: flags.pull as string | undefined, quiet: flags.quiet === true, platform: flags.platform as string | undefined });
  if (cidfile) writeFileSync(cidfile, id);
  ctx.io.out(`${id}\n`);
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
    short: 'Create a new container',
    flags: [...CREATE_FLAGS, { name: 'quiet', short: 'q', type: 'bool', usage: 'Suppress the pull output' }],
    args: { kind: 'min', n: 1 },
    interspersed: false,
    helpShort: false,
  },
  run,
};
export default command;

// docker rename: the daemon's error first, then "Error: failed to rename container named <old>".
import { errorText, StatusError, type Command, type Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';

async function run(ctx: Ctx, _flags: FlagValues, args: string[]): Promise<number> {
  const oldName = args[0]!.trim();
  const newName = args[1]!.trim();
  if (oldName === '' || newName === '') throw new Error('Error: Neither old nor new names may be empty');
  const client = await ctx.client();
  try {
    await client.containerRename(oldName, newName);
  } catch (err) {
    ctx.io.err(`${errorText(err)}\n`);
    throw new StatusError(`Error: failed to rename container named ${oldName}`, 1);
  }
  return 0;
}

const command: Command = { spec: { use: 'CONTAINER NEW_NAME', short: 'Rename a container', flags: [], args: { kind: 'exact', n: 2 } }, run };
export default command;

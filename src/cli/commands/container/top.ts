// docker top: the daemon's ps table through tabwriter(20, 1, 3, ' ').
import { TabWriter } from '../../format/index.js';
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';

async function run(ctx: Ctx, _flags: FlagValues, args: string[]): Promise<number> {
  const client = await ctx.client();
  const top = await client.containerTop(args[0]!, args.length > 1 ? args.slice(1).join(' ') : undefined);
  const tw = new TabWriter({ minwidth: 20, tabwidth: 1, padding: 3, padchar: ' ' });
  tw.write(`${top.Titles.join('\t')}\n`);
  for (const p of top.Processes ?? []) tw.write(`${p.join('\t')}\n`);
  ctx.io.out(tw.flush());
  return 0;
}

const command: Command = {
  spec: { use: 'CONTAINER [ps OPTIONS]', short: 'Display the running processes of a container', flags: [], args: { kind: 'min', n: 1 }, interspersed: false },
  run,
};
export default command;

// docker volume create: prints the volume's name (a new random one when none is given).
import type { Command, Ctx } from '../../command.js';
import { StatusError } from '../../command.js';
import type { FlagValues } from '../../flags.js';

/** opts.MapOpts / ListOpts of labels: "k=v" -> {k: v}, a bare "k" -> {k: ""}. */
function kv(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of (list as string[] | undefined) ?? []) {
    const i = item.indexOf('=');
    if (i < 0) out[item] = '';
    else out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const flagName = flags.name as string | undefined;
  if (args.length === 1 && flagName !== undefined && flagName !== args[0]) {
    throw new StatusError('Conflicting options: either specify --name or provide positional arg, not both', 1);
  }
  const client = await ctx.client();
  const vol = await client.volumeCreate({
    Name: args[0] ?? flagName ?? '',
    Driver: (flags.driver as string | undefined) ?? 'local',
    DriverOpts: kv(flags.opt),
    Labels: kv(flags.label),
  });
  ctx.io.out(`${vol.Name}\n`);
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS] [VOLUME]',
    short: 'Create a volume',
    flags: [
      { name: 'driver', short: 'd', type: 'string', usage: 'Specify volume driver name', defaultText: '"local"' },
      { name: 'label', type: 'list', usage: 'Set metadata for a volume' },
      { name: 'name', type: 'string', usage: 'Specify volume name', hidden: true },
      { name: 'opt', short: 'o', type: 'list', varName: 'map', usage: 'Set driver specific options', defaultText: 'map[]' },
    ],
    args: { kind: 'max', n: 1 },
  },
  run,
};
export default command;

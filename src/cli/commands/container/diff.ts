// docker diff: the writable layer's changes, "C /etc", "A /etc/new", "D /gone", in the daemon's order.
import type { Command, Ctx } from '../../command.js';

const KIND = ['C', 'A', 'D'];

async function run(ctx: Ctx, _flags: unknown, args: string[]): Promise<number> {
  const client = await ctx.client();
  const changes = await client.transport.json<Array<{ Kind: number; Path: string }> | null>({ path: `/containers/${encodeURIComponent(args[0]!)}/changes` });
  ctx.io.out((changes ?? []).map((c) => `${KIND[c.Kind] ?? '?'} ${c.Path}\n`).join(''));
  return 0;
}

const command: Command = {
  spec: {
    use: 'CONTAINER',
    short: "Inspect changes to files or directories on a container's filesystem",
    flags: [],
    args: { kind: 'exact', n: 1 },
  },
  run,
};
export default command;

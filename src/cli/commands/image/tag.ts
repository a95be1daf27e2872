// docker tag SOURCE TARGET: the target is validated client-side and split into repo and tag.
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { parseRef } from '../../image-ref.js';

async function run(ctx: Ctx, _flags: FlagValues, args: string[]): Promise<number> {
  // The client library's ImageTag checks both names first, in its own words.
  const parse = (name: string) => {
    try { return parseRef(name); } catch (err) { throw new Error(`Error parsing reference: ${JSON.stringify(name)} is not a valid repository/tag: ${(err as Error).message}`, { cause: err }); }
  };
  if (!/^(sha256:)?[0-9a-f]{64}$/.test(args[0]!)) parse(args[0]!);
  const ref = parse(args[1]!);
  if (ref.digest) throw new Error('refusing to create a tag with a digest reference');
  const client = await ctx.client();
  await client.imageTag(args[0]!, ref.name, ref.tag ?? 'latest');
  return 0;
}

const command: Command = { spec: { use: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]', short: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE', flags: [], args: { kind: 'exact', n: 2 } }, run };
export default command;

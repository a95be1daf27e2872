// docker commit: a new image from a container's changes; prints the new image's ID.
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { parseRef } from '../../image-ref.js';

/** REPOSITORY[:TAG], validated like docker/cli does before calling the daemon; a digest is refused. */
function splitReference(ref: string): { repo?: string; tag?: string } {
  if (!ref) return {};
  const r = parseRef(ref);
  if (r.digest) throw new Error('refusing to create a tag with a digest reference');
  return { repo: r.name, tag: r.tag };
}

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const { repo, tag } = splitReference(args[1] ?? '');
  const client = await ctx.client();
  const res = await client.transport.json<{ Id: string }>({
    method: 'POST',
    path: '/commit',
    query: {
      container: args[0],
      repo,
      tag,
      comment: (flags.message as string | undefined) || undefined,
      author: (flags.author as string | undefined) || undefined,
      changes: (flags.change as string[] | undefined) ?? [],
      pause: flags.pause === false ? '0' : '1',
    },
    body: null,
  });
  ctx.io.out(`${res.Id}\n`);
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS] CONTAINER [REPOSITORY[:TAG]]',
    short: "Create a new image from a container's changes",
    flags: [
      { name: 'author', short: 'a', type: 'string', usage: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")' },
      { name: 'change', short: 'c', type: 'list', usage: 'Apply Dockerfile instruction to the created image' },
      { name: 'message', short: 'm', type: 'string', usage: 'Commit message' },
      { name: 'pause', short: 'p', type: 'bool', usage: 'Pause container during commit (default true)' },
    ],
    args: { kind: 'range', min: 1, max: 2 },
  },
  run,
};
export default command;

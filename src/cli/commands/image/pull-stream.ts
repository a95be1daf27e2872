// The pull used by `pull` and by run/create when the image is missing: POST /images/create with the
// tag split off, progress rendered as docker does for a non-terminal.
import type { Client } from '../../../client/index.js';
import type { Ctx } from '../../command.js';
import { parseRef } from '../../image-ref.js';
import { displayJsonMessages } from './json-messages.js';
import { registryAuthFor } from '../../docker-config.js';

export async function pullImage(ctx: Ctx, client: Client, image: string, platform: string | undefined, quiet: boolean, to: 'stdout' | 'stderr'): Promise<void> {
  const ref = parseRef(image);
  const tag = ref.digest ?? ref.tag ?? 'latest';
  const res = await client.imageCreate(ref.name, tag, platform, await registryAuthFor(ctx.env, image));
  const write = to === 'stdout' ? ctx.io.out : ctx.io.err;
  await displayJsonMessages(res, quiet ? () => undefined : (s) => write(s), undefined, { isTerminal: (to === 'stdout' ? ctx.io.stdoutIsTTY : ctx.io.stderrIsTTY) === true, columns: ctx.io.columns });
}

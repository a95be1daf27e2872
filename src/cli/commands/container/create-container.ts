// docker/cli's createContainer for run and create: POST /containers/create, and on "No such image" pull
// the image (progress on stderr, as docker keeps stdout for the ID) and try once more.
import type { Client, ContainerCreateBody } from '../../../client/index.js';
import { isNotFound } from '../../../errors.js';
import type { Ctx } from '../../command.js';
import { familiarWithTag, isImageId, parseRef } from '../../image-ref.js';
import { pullImage } from '../image/pull-stream.js';

export interface CreateOptions { name?: string; pull?: string; quiet?: boolean; platform?: string }

export async function createContainer(ctx: Ctx, client: Client, body: ContainerCreateBody, o: CreateOptions): Promise<string> {
  const image = body.Image!;
  const named = isImageId(image) ? undefined : (parseRef(image), familiarWithTag(image));
  const pull = async () => {
    await pullImage(ctx, client, image, o.platform, o.quiet === true, 'stderr');
  };
  if (o.pull === 'always' && named) await pull();
  let res;
  try {
    res = await client.containerCreate(body, o.name, o.platform);
  } catch (err) {
    // docker's cli pulls only for a missing image, not for any 404 (a missing network is one too).
    if (!isNotFound(err) || !/No such image|does not match the specified platform/i.test((err as Error).message) || !named || o.pull === 'never') throw err;
    ctx.io.err(`Unable to find image '${named}' locally\n`);
    await pull();
    res = await client.containerCreate(body, o.name, o.platform);
  }
  for (const w of res.Warnings ?? []) ctx.io.err(`WARNING: ${w}\n`);
  return res.Id;
}

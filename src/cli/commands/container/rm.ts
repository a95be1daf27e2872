// docker rm: names printed as given; with -f a missing container is reported but not a failure.
import { isNotFound } from '../../../errors.js';
import { errorText, StatusError, type Command, type Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const client = await ctx.client();
  const force = flags.force === true;
  const results = await Promise.allSettled(args.map((name) => {
    const id = name.replace(/^\/+/, '');
    if (id === '') return Promise.reject(new Error('Container name cannot be empty'));
    return client.containerRemove(id, { force, v: flags.volumes === true, link: flags.link === true });
  }));
  const errs: string[] = [];
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') { ctx.io.out(`${args[i]}\n`); return; }
    if (force && isNotFound(r.reason)) { ctx.io.err(`${errorText(r.reason)}\n`); return; }
    errs.push(errorText(r.reason));
  });
  if (errs.length) throw new StatusError(errs.join('\n'), 1);
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS] CONTAINER [CONTAINER...]',
    short: 'Remove one or more containers',
    flags: [
      { name: 'force', short: 'f', type: 'bool', usage: 'Force the removal of a running container (uses SIGKILL)' },
      { name: 'link', short: 'l', type: 'bool', usage: 'Remove the specified link' },
      { name: 'volumes', short: 'v', type: 'bool', usage: 'Remove anonymous volumes associated with the container' },
    ],
    args: { kind: 'min', n: 1 },
  },
  run,
};
export default command;

// The shape shared by stop, kill, restart, pause, unpause and wait: act on each container in parallel,
// print each name (or result) in argument order, then fail with all error messages joined by newlines.
import { errorText, StatusError, type Ctx } from '../../command.js';

export async function forEach(ctx: Ctx, names: string[], act: (name: string) => Promise<string | void>): Promise<number> {
  const results = await Promise.allSettled(names.map((n) => act(n)));
  const errs: string[] = [];
  results.forEach((r, i) => {
    if (r.status === 'rejected') errs.push(errorText(r.reason));
    else ctx.io.out(`${r.value ?? names[i]}\n`);
  });
  if (errs.length) throw new StatusError(errs.join('\n'), 1);
  return 0;
}

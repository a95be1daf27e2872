// The shape docker 20.10's prune commands share (container, volume, image and builder prune): ask unless
// --force, prune, print what went as titled lists, then "Total reclaimed space". Docker prints that total even
// when the prompt is refused (its runPrune returns zero and the caller prints regardless); system and network
// prune print nothing then, so they use confirm() alone.
import type { Ctx } from './command.js';
import type { FlagValues } from './flags.js';
import { humanSize } from './format/index.js';

/**
 * command.PromptForConfirmation: the question and " [y/N] " on stdout; only a line that is exactly "y" or "Y"
 * (bufio's ReadLine drops the line end and nothing else, so " y" is a no).
 */
export async function confirm(ctx: Ctx, message: string): Promise<boolean> {
  ctx.io.out(`${message} [y/N] `);
  const answer = (await ctx.readLine()).replace(/\r$/, '');
  return answer === 'y' || answer === 'Y';
}

/** "Deleted Containers:\n<id>\n...\n" and the blank line after it; nothing when nothing went. */
export function deletedList(title: string, items: readonly string[] | null | undefined): string {
  return items?.length ? `${title}:\n${items.map((i) => `${i}\n`).join('')}\n` : '';
}

export interface PruneOutcome { output: string; space: number }

/** Confirm (unless --force), prune, print the outcome and the total; exit code 0 like docker. */
export async function runPrune(ctx: Ctx, flags: FlagValues, warning: string, prune: () => Promise<PruneOutcome>): Promise<number> {
  let outcome: PruneOutcome = { output: '', space: 0 };
  if (flags.force === true || (await confirm(ctx, warning))) outcome = await prune();
  ctx.io.out(`${outcome.output}Total reclaimed space: ${humanSize(outcome.space)}\n`);
  return 0;
}

/** sortorder.NaturalLess: runs of digits compare as numbers, everything else byte by byte. */
export function naturalCompare(a: string, b: string): number {
  const re = /\d+|\D+/g;
  const ca = a.match(re) ?? [];
  const cb = b.match(re) ?? [];
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const x = ca[i]!;
    const y = cb[i]!;
    if (x === y) continue;
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const d = BigInt(x) - BigInt(y);
      if (d !== 0n) return d < 0n ? -1 : 1;
      return x.length - y.length;
    }
    return x < y ? -1 : 1;
  }
  return ca.length - cb.length;
}

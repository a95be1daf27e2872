// Runs a --format (or a default table) over rows and writes it, turning template errors into docker's
// "template parsing error: ..." failure (exit 1).
import { formatTable } from './format/index.js';
import type { Ctx } from './command.js';

export function writeTable(ctx: Ctx, format: string, rows: unknown[], headers: Record<string, string>): void {
  let text: string;
  try {
    text = formatTable(format, rows, headers);
  } catch (err) {
    throw new Error(`template parsing error: ${(err as Error).message}`);
  }
  ctx.io.out(text);
}

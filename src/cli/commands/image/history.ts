// docker history, after formatter.HistoryContext.
import type { ImageHistoryItem } from '../../../client/index.js';
import { GO_MARSHALER, humanDuration, humanSizeWithPrecision } from '../../format/index.js';
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { ellipsis, goRfc3339, truncateId } from '../../go-text.js';
import { writeTable } from '../../table-output.js';

class HistoryContext {
  readonly [GO_MARSHALER] = true;
  constructor(private readonly h: ImageHistoryItem, private readonly trunc: boolean, private readonly human: boolean, private readonly now: number) {}
  /** formatter's MarshalJSON: every field method, keys sorted, for {{json .}}. */
  toJSON(): Record<string, string> {
    const keys = ['Comment', 'CreatedAt', 'CreatedBy', 'CreatedSince', 'ID', 'Size'] as const;
    return Object.fromEntries(keys.map((k) => [k, this[k]]));
  }
  get ID(): string { return this.trunc ? truncateId(this.h.Id) : this.h.Id; }
  get CreatedSince(): string { return this.human ? `${humanDuration(this.now - this.h.Created * 1000)} ago` : goRfc3339(this.h.Created); }
  get CreatedAt(): string { return goRfc3339(this.h.Created); }
  get CreatedBy(): string {
    const by = this.h.CreatedBy.replaceAll('\t', ' ');
    return this.trunc ? ellipsis(by, 45) : by;
  }
  get Size(): string { return this.human ? humanSizeWithPrecision(this.h.Size, 3) : String(this.h.Size); }
  get Comment(): string { return this.h.Comment; }
}

const HEADERS = { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' };

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  const client = await ctx.client();
  const history = await client.imageHistory(args[0]!);
  const now = Date.now();
  const rows = history.map((h) => new HistoryContext(h, flags['no-trunc'] !== true, flags.human !== false, now));
  let format = flags.format as string | undefined;
  if (!format || format === 'table') format = flags.quiet === true ? '{{.ID}}' : 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';
  writeTable(ctx, format, rows, flags.human === false ? { ...HEADERS, CreatedSince: 'CREATED AT' } : HEADERS);
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS] IMAGE',
    short: 'Show the history of an image',
    flags: [
      { name: 'format', type: 'string', usage: 'Pretty-print images using a Go template' },
      { name: 'human', short: 'H', type: 'bool', usage: 'Print sizes and dates in human readable format', defaultText: 'true' },
      { name: 'no-trunc', type: 'bool', usage: "Don't truncate output" },
      { name: 'quiet', short: 'q', type: 'bool', usage: 'Only show image IDs' },
    ],
    args: { kind: 'exact', n: 1 },
  },
  run,
};
export default command;

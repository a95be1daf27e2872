// One `compose` verb: its usage line, flags and action (compose.ts parses the flags and runs it).
import type { FlagSpec, FlagValues } from '../../flags.js';
import type { ComposeCtx } from './compose.js';

export interface Verb {
  use: string;
  short: string;
  flags: FlagSpec[];
  interspersed?: boolean;
  run(cc: ComposeCtx, flags: FlagValues, args: string[]): Promise<number | void>;
}

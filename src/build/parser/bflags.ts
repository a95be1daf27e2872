// Instruction flags (`COPY --from=x --chown=u`), checked like Docker 20.10's BFlags.Parse: each instruction
// declares the flags it takes; anything else is "Unknown flag: x", a repeated flag is an error unless it may
// repeat (--mount), and a bare `--` ends the flags.
import { InvalidParameter } from '../../errors.js';

export type FlagType = 'bool' | 'string' | 'strings';
export type FlagSpec = Readonly<Record<string, FlagType>>;

export interface ParsedFlags {
  /** Flags given, by name without dashes: strings for string flags, "true"/"false" for bools. */
  values: Map<string, string>;
  /** Every value of a repeatable flag, in order. */
  lists: Map<string, string[]>;
}

function parseBool(flagName: string, value: string, hasValue: boolean): string {
  // `--link` alone means true; `--link=` is missing its value.
  if (hasValue && value === '') throw new InvalidParameter(`Missing a value on flag: ${flagName}`);
  const v = value.toLowerCase();
  if (v === 'true' || v === '') return 'true';
  if (v === 'false') return 'false';
  throw new InvalidParameter(`Expecting boolean value for flag ${flagName}, not: ${value}`);
}

export function parseFlags(args: readonly string[], spec: FlagSpec): ParsedFlags {
  const out: ParsedFlags = { values: new Map(), lists: new Map() };
  for (const a of args) {
    if (!a.startsWith('--')) throw new InvalidParameter(`Arg should start with -- : ${a}`);
    if (a === '--') break;
    const eq = a.indexOf('=');
    const value = eq < 0 ? '' : a.slice(eq + 1);
    // Docker 20.10's BFlags names a flag without its dashes in every message.
    const name = (eq < 0 ? a : a.slice(0, eq)).slice(2);
    const type = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (type === undefined) throw new InvalidParameter(`Unknown flag: ${name}`);
    if (type !== 'strings' && out.values.has(name)) throw new InvalidParameter(`Duplicate flag specified: ${name}`);
    if (type === 'bool') {
      out.values.set(name, parseBool(name, value, eq >= 0));
      continue;
    }
    if (eq < 0) throw new InvalidParameter(`Missing a value on flag: ${name}`);
    if (type === 'string') out.values.set(name, value);
    else out.lists.set(name, [...(out.lists.get(name) ?? []), value]);
  }
  return out;
}

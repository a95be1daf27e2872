// Instruction flags (`COPY --from=x --chown=u`), checked like BuildKit's BFlags.Parse: each instruction
// declares the flags it takes; anything else is "unknown flag" (with a did-you-mean), a repeated flag is an
// error unless it may repeat (--mount, --exclude), and a bare `--` ends the flags.
import { InvalidParameter } from '../../errors.js';
import { suggest } from './suggest.js';

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
  if (hasValue && value === '') throw new InvalidParameter(`missing a value on flag: ${flagName}`);
  const v = value.toLowerCase();
  if (v === 'true' || v === '') return 'true';
  if (v === 'false') return 'false';
  throw new InvalidParameter(`expecting boolean value for flag ${flagName}, not: ${value}`);
}

export function parseFlags(args: readonly string[], spec: FlagSpec): ParsedFlags {
  const out: ParsedFlags = { values: new Map(), lists: new Map() };
  for (const a of args) {
    if (a === '--') break;
    if (!a.startsWith('--')) throw new InvalidParameter(`arg should start with -- : ${a}`);
    const eq = a.indexOf('=');
    const flagName = eq < 0 ? a : a.slice(0, eq);
    const value = eq < 0 ? '' : a.slice(eq + 1);
    const name = flagName.slice(2);
    const type = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (type === undefined) {
      const match = suggest(name, Object.keys(spec), true);
      throw new InvalidParameter(`unknown flag: ${flagName}${match ? ` (did you mean ${match}?)` : ''}`);
    }
    if (type !== 'strings' && out.values.has(name)) throw new InvalidParameter(`duplicate flag specified: ${flagName}`);
    if (type === 'bool') {
      out.values.set(name, parseBool(flagName, value, eq >= 0));
      continue;
    }
    if (eq < 0) throw new InvalidParameter(`missing a value on flag: ${flagName}`);
    if (type === 'string') out.values.set(name, value);
    else out.lists.set(name, [...(out.lists.get(name) ?? []), value]);
  }
  return out;
}

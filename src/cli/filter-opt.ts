// opts.FilterOpt: repeated `-f key=value` flags become the API's filters map.
import type { Filters } from '../client/index.js';
import type { FlagSpec, FlagValues } from './flags.js';

export function parseFilter(v: string): [string, string] {
  const i = v.indexOf('=');
  if (i < 0) throw new Error('bad format of filter (expected name=value)');
  return [v.slice(0, i).trim().toLowerCase(), v.slice(i + 1).trim()];
}

export const FILTER_FLAG: FlagSpec = { name: 'filter', short: 'f', type: 'list', varName: 'filter', usage: 'Filter output based on conditions provided', parse: parseFilter };

export function filtersOf(flags: FlagValues, name = 'filter'): Filters | undefined {
  const pairs = flags[name] as Array<[string, string]> | undefined;
  if (!pairs?.length) return undefined;
  const f: Filters = {};
  for (const [k, v] of pairs) (f[k] ??= []).push(v);
  return f;
}

// Query-string parsing with dockerd's rules (api/server/httputils): booleans are false only for "", "0",
// "no", "false" and "none" (any case), integers fail with Go's strconv text, and `filters` accepts both the
// map form {"status":{"running":true}} and the legacy list form {"status":["running"]}.
import { InvalidParameter } from '../errors.js';
import type { Filters } from './backend.js';
import { decodeGoJson, goJsonType } from './go-json.js';

export class Query {
  constructor(private readonly params: URLSearchParams) {}

  static parse(search: string): Query {
    return new Query(new URLSearchParams(search));
  }

  has(key: string): boolean { return this.params.has(key); }

  /** The first value, or undefined when absent (an empty value is ""). */
  string(key: string): string | undefined { return this.params.get(key) ?? undefined; }

  /** The first value, or undefined when absent or empty. */
  nonEmpty(key: string): string | undefined {
    const v = this.params.get(key);
    return v === null || v === '' ? undefined : v;
  }

  all(key: string): string[] { return this.params.getAll(key); }

  /** Every parameter with all its values (for POST /build, which has dozens). */
  entries(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [k, v] of this.params) (out[k] ??= []).push(v);
    return out;
  }

  /** httputils.BoolValue: absent and "", "0", "no", "false", "none" are false; anything else is true. */
  bool(key: string): boolean {
    const v = (this.params.get(key) ?? '').trim().toLowerCase();
    return !(v === '' || v === '0' || v === 'no' || v === 'false' || v === 'none');
  }

  /** httputils.BoolValueOrDefault: the default only when the parameter is absent. */
  boolOr(key: string, dflt: boolean): boolean {
    return this.params.has(key) ? this.bool(key) : dflt;
  }

  /** An integer parameter; undefined when absent or empty; Go's strconv error text otherwise. */
  int(key: string, fn = 'strconv.Atoi'): number | undefined {
    const v = this.params.get(key);
    if (v === null || v === '') return undefined;
    if (!/^[+-]?[0-9]+$/.test(v)) throw new InvalidParameter(`${fn}: parsing ${JSON.stringify(v)}: invalid syntax`);
    return Number.parseInt(v, 10);
  }

  /** strconv.Atoi(r.Form.Get(key)): required, so an absent value is Go's parse error for "" (resize's h and w). */
  atoi(key: string): number {
    const n = this.int(key);
    if (n === undefined) throw new InvalidParameter('strconv.Atoi: parsing "": invalid syntax');
    return n;
  }

  /** A float (Go's ParseFloat), for timestamps like "1690000000.123456789". */
  float(key: string): number | undefined {
    const v = this.params.get(key);
    if (v === null || v === '') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new InvalidParameter(`strconv.ParseFloat: parsing ${JSON.stringify(v)}: invalid syntax`);
    return n;
  }

  filters(key = 'filters'): Filters {
    return parseFilters(this.params.get(key) ?? '');
  }
}

/** filters.FromJSON: both wire forms; values of the map form count whatever their boolean. */
export function parseFilters(raw: string): Filters {
  if (raw.trim() === '') return {};
  const parsed = decodeGoJson(raw);
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidParameter(`json: cannot unmarshal ${goJsonType(parsed)} into Go value of type map[string]map[string]bool`);
  }
  const out: Filters = {};
  for (const [key, val] of Object.entries(parsed as Record<string, unknown>)) {
    if (val === null) { out[key] = []; continue; }
    if (Array.isArray(val)) {
      const bad = val.find((v) => typeof v !== 'string');
      if (bad !== undefined) throw new InvalidParameter(`json: cannot unmarshal ${goJsonType(bad)} into Go value of type string`);
      out[key] = [...new Set(val as string[])];
      continue;
    }
    if (typeof val === 'object') {
      const bad = Object.values(val as object).find((v) => typeof v !== 'boolean');
      if (bad !== undefined) throw new InvalidParameter(`json: cannot unmarshal ${goJsonType(bad)} into Go value of type bool`);
      out[key] = Object.keys(val as object);
      continue;
    }
    throw new InvalidParameter(`json: cannot unmarshal ${goJsonType(val)} into Go value of type map[string]bool`);
  }
  return out;
}

/** "1.41" vs "1.12" compared numerically per component, like dockerd's versions.LessThan. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

// Template functions: Go's builtins (text/template/funcs.go) and docker/cli's templates package
// (json, split, join, title, lower, upper, pad, truncate). Parameter types let exec.ts report Go's
// argument errors ("wrong type for value; expected string; got int").
import { goJson } from './json.js';
import { sprint, sprintf, sprintln } from './printf.js';
import { isTrue, kindOf, mapEntries, typeName } from './values.js';

export type Param = 'any' | 'string' | 'int' | 'bool' | 'strings';

export interface Func {
  params: Param[];
  /** The last param repeats (Go's variadic ...T). */
  variadic?: boolean;
  fn: (...args: any[]) => unknown;
}

/** Thrown by a function body; exec.ts reports it as "error calling NAME: MESSAGE". */
export class CallError extends Error {}

const utf8 = new TextEncoder();
const utf8dec = new TextDecoder();

const BUILTINS: Record<string, Func> = {
  // and/or are evaluated lazily by exec.ts (Go 1.18 short-circuits them); these entries declare arity.
  and: { params: ['any', 'any'], variadic: true, fn: () => undefined },
  or: { params: ['any', 'any'], variadic: true, fn: () => undefined },
  not: { params: ['any'], fn: (v: unknown) => !isTrue(v) },
  len: { params: ['any'], fn: goLen },
  index: { params: ['any', 'any'], variadic: true, fn: goIndex },
  slice: { params: ['any', 'any'], variadic: true, fn: goSlice },
  eq: { params: ['any', 'any'], variadic: true, fn: (a: unknown, ...bs: unknown[]) => bs.some((b) => compare(a, b, true) === 0) },
  ne: { params: ['any', 'any'], fn: (a: unknown, b: unknown) => compare(a, b, true) !== 0 },
  lt: { params: ['any', 'any'], fn: (a: unknown, b: unknown) => compare(a, b, false) < 0 },
  le: { params: ['any', 'any'], fn: (a: unknown, b: unknown) => compare(a, b, false) <= 0 },
  gt: { params: ['any', 'any'], fn: (a: unknown, b: unknown) => compare(a, b, false) > 0 },
  ge: { params: ['any', 'any'], fn: (a: unknown, b: unknown) => compare(a, b, false) >= 0 },
  print: { params: ['any'], variadic: true, fn: (...a: unknown[]) => sprint(a) },
  printf: { params: ['string', 'any'], variadic: true, fn: (f: string, ...a: unknown[]) => sprintf(f, a) },
  println: { params: ['any'], variadic: true, fn: (...a: unknown[]) => sprintln(a) },
  call: { params: ['any', 'any'], variadic: true, fn: goCall },
};

const DOCKER: Record<string, Func> = {
  json: { params: ['any'], fn: goJson },
  split: { params: ['string', 'string'], fn: goSplit },
  join: { params: ['strings', 'string'], fn: (a: string[], sep: string) => a.join(sep) },
  title: { params: ['string'], fn: goTitle },
  lower: { params: ['string'], fn: (s: string) => s.toLowerCase() },
  upper: { params: ['string'], fn: (s: string) => s.toUpperCase() },
  // docker/cli padWithSpace: only non-empty input is padded.
  pad: { params: ['string', 'int', 'int'], fn: (s: string, pre: number, post: number) => (s === '' ? s : ' '.repeat(pre) + s + ' '.repeat(post)) },
  // docker/cli truncateWithLength cuts bytes, not runes.
  truncate: { params: ['string', 'int'], fn: (s: string, n: number) => (utf8.encode(s).length < n ? s : utf8dec.decode(utf8.encode(s).slice(0, n))) },
};

/** docker/cli's templates.HeaderFunctions: header rows keep the column name intact. */
const HEADER: Record<string, Func> = {
  json: { params: ['string'], fn: (v: string) => v },
  split: { params: ['string', 'string'], fn: (v: string) => v },
  join: { params: ['string', 'string'], fn: (v: string) => v },
  title: { params: ['string'], fn: (v: string) => v },
  lower: { params: ['string'], fn: (v: string) => v },
  upper: { params: ['string'], fn: (v: string) => v },
  truncate: { params: ['string', 'int'], fn: (v: string) => v },
};

export const FUNCS: ReadonlyMap<string, Func> = new Map(Object.entries({ ...BUILTINS, ...DOCKER }));
export const HEADER_FUNCS: ReadonlyMap<string, Func> = new Map(Object.entries({ ...BUILTINS, ...DOCKER, ...HEADER }));

function goLen(v: unknown): number {
  switch (kindOf(v)) {
    case 'string': return utf8.encode(v as string).length;
    case 'slice': return (v as unknown[]).length;
    case 'map': return v instanceof Map ? v.size : mapEntries(v).length;
    case 'invalid': case 'nil': throw new CallError('len of nil pointer');
    default: throw new CallError(`len of type ${typeName(v)}`);
  }
}

function toIndex(x: unknown, cap: number): number {
  if (kindOf(x) !== 'int') throw new CallError(`cannot index slice/array with type ${typeName(x)}`);
  const i = Number(x);
  if (i < 0 || i >= cap) throw new CallError(`index out of range: ${i}`);
  return i;
}

function goIndex(item: unknown, ...indexes: unknown[]): unknown {
  let v = item;
  for (const ix of indexes) {
    const k = kindOf(v);
    if (k === 'invalid' || k === 'nil') throw new CallError('index of untyped nil');
    if (k === 'string') { const b = utf8.encode(v as string); v = b[toIndex(ix, b.length)]; continue; }
    if (k === 'slice') { const a = v as unknown[]; v = a[toIndex(ix, a.length)]; continue; }
    if (k === 'map') { v = mapIndex(v, ix); continue; }
    throw new CallError(`can't index item of type ${typeName(v)}`);
  }
  return v;
}

/** A missing key yields the map's zero value: "" for a map of strings (Docker's label maps), else nil. */
function mapIndex(m: unknown, key: unknown): unknown {
  const k = String(key);
  const entries = mapEntries(m);
  const hit = m instanceof Map ? m.get(key) ?? m.get(k) : Object.hasOwn(m as object, k) ? (m as Record<string, unknown>)[k] : undefined;
  if (hit !== undefined) return hit;
  return entries.every(([, x]) => typeof x === 'string') ? '' : null;
}

function goSlice(item: unknown, ...idx: unknown[]): unknown {
  const k = kindOf(item);
  if (k !== 'string' && k !== 'slice') throw new CallError(`can't slice item of type ${typeName(item)}`);
  if (idx.length > 3) throw new CallError(`too many slice indexes: ${idx.length}`);
  if (k === 'string' && idx.length === 3) throw new CallError('cannot 3-index slice a string');
  const bytes = k === 'string' ? utf8.encode(item as string) : undefined;
  const len = bytes ? bytes.length : (item as unknown[]).length;
  const ints = idx.map((x) => { if (kindOf(x) !== 'int') throw new CallError(`cannot index slice/array with type ${typeName(x)}`); return Number(x); });
  const lo = ints[0] ?? 0;
  const hi = ints[1] ?? len;
  if (lo < 0 || hi > len || ints.some((x) => x < 0 || x > len)) throw new CallError(`index out of range: ${ints.find((x) => x < 0 || x > len) ?? hi}`);
  if (lo > hi) throw new CallError(`invalid slice index: ${lo} > ${hi}`);
  return bytes ? utf8dec.decode(bytes.slice(lo, hi)) : (item as unknown[]).slice(lo, hi);
}

function goCall(fn: unknown, ...args: unknown[]): unknown {
  if (typeof fn !== 'function') throw new CallError(`non-function of type ${typeName(fn)}`);
  return (fn as (...a: unknown[]) => unknown)(...args);
}

const BASIC = new Set(['string', 'int', 'float', 'bool']);

/** Go's eq/lt rules: basic kinds only, and both sides the same kind (ints and floats do not mix). */
function compare(a: unknown, b: unknown, equality: boolean): number {
  const ka = kindOf(a);
  const kb = kindOf(b);
  const num = (k: string) => k === 'int' || k === 'float';
  if (!BASIC.has(ka) || !BASIC.has(kb)) {
    if (equality && ka === kb && (ka === 'struct' || ka === 'nil')) return a === b ? 0 : 1;
    if (equality && (ka === 'slice' || ka === 'map')) throw new CallError(`non-comparable type ${formatKind(a)}: ${typeName(a)}`);
    throw new CallError(ka === 'invalid' || kb === 'invalid' || ka === 'nil' || kb === 'nil' ? 'invalid type for comparison' : 'invalid type for comparison');
  }
  if (ka !== kb && !(num(ka) && num(kb))) throw new CallError('incompatible types for comparison');
  if (!equality && ka === 'bool') throw new CallError('invalid type for comparison');
  const x = a as number | string | boolean;
  const y = b as number | string | boolean;
  return x === y ? 0 : x < y ? -1 : 1;
}

function formatKind(v: unknown): string { return kindOf(v) === 'slice' ? '[]' : 'map'; }

/** strings.Split: an empty separator splits into UTF-8 sequences. */
function goSplit(s: string, sep: string): string[] {
  return sep === '' ? [...s] : s.split(sep);
}

/** strings.Title: upper-case the first letter of each word; words start after a separator (Go isSeparator). */
function goTitle(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += isSeparator(prev) ? ch.toUpperCase() : ch;
    prev = ch;
  }
  return out;
}

function isSeparator(ch: string): boolean {
  if (ch.charCodeAt(0) <= 0x7f) return !/[0-9A-Za-z_]/.test(ch);
  if (/[\p{L}\p{Nd}]/u.test(ch)) return false;
  return /\s/u.test(ch);
}

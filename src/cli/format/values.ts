// How JS data stands in for Go values inside templates, and Go's fmt "%v" printing of them.
// Plain objects and Maps are Go maps (printed `map[k:v]`, keys sorted, a missing key is "<no value>");
// class instances, or objects carrying GO_TYPE, are Go structs (printed `{v1 v2}`, a missing field is
// the "can't evaluate field X in type T" error). Integers are Go ints, other numbers float64,
// null is nil, undefined is Go's invalid reflect.Value ("<no value>").

/** Put `[GO_TYPE]: '*formatter.ContainerContext'` on an object to make it behave as that Go struct. */
export const GO_TYPE = Symbol.for('wharf.format.goType');
/** A method under this key is the value's Go String() (a fmt.Stringer, as time.Time is): %v prints what it returns. */
export const GO_STRINGER = Symbol.for('wharf.format.goStringer');

export type Kind = 'invalid' | 'nil' | 'string' | 'int' | 'float' | 'bool' | 'slice' | 'map' | 'struct' | 'func' | 'other';

export function kindOf(v: unknown): Kind {
  if (v === undefined) return 'invalid';
  if (v === null) return 'nil';
  switch (typeof v) {
    case 'string': return 'string';
    case 'number': return Number.isInteger(v) ? 'int' : 'float';
    case 'bigint': return 'int';
    case 'boolean': return 'bool';
    case 'function': return 'func';
    case 'object': break;
    default: return 'other';
  }
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return 'slice';
  if (v instanceof Map) return 'map';
  if (isStruct(v as object)) return 'struct';
  return 'map';
}

export function isStruct(o: object): boolean {
  if (GO_TYPE in o) return true;
  const proto = Object.getPrototypeOf(o) as object | null;
  return proto !== null && proto !== Object.prototype && !(o instanceof Map) && !Array.isArray(o) && !(o instanceof Date);
}

/** Go's type name for messages ("can't evaluate field X in type string"). */
export function typeName(v: unknown): string {
  switch (kindOf(v)) {
    case 'invalid': return '<nil>';
    case 'nil': return 'interface {}';
    case 'string': return 'string';
    case 'int': return 'int';
    case 'float': return 'float64';
    case 'bool': return 'bool';
    case 'slice': return typeof (v as unknown[])[0] === 'string' ? '[]string' : '[]interface {}';
    case 'map': return 'map[string]interface {}';
    case 'struct': {
      const o = v as Record<symbol, unknown>;
      return typeof o[GO_TYPE] === 'string' ? o[GO_TYPE] : `*${(v as object).constructor.name}`;
    }
    case 'func': return 'func()';
    default: return typeof v;
  }
}

/** Own enumerable entries of a map-like value, functions left out (they are methods, not data). */
export function mapEntries(v: unknown): Array<[string, unknown]> {
  const entries = v instanceof Map ? [...v.entries()].map(([k, x]) => [String(k), x] as [string, unknown]) : Object.entries(v as object);
  return entries.filter(([, x]) => typeof x !== 'function');
}

/** Go's truth test for if/with/and/or/not: zero values and empty containers are false. */
export function isTrue(v: unknown): boolean {
  switch (kindOf(v)) {
    case 'invalid': case 'nil': return false;
    case 'string': return (v as string).length > 0;
    case 'int': case 'float': return Number(v) !== 0;
    case 'bool': return v as boolean;
    case 'slice': return (v as unknown[]).length > 0;
    case 'map': return v instanceof Map ? v.size > 0 : mapEntries(v).length > 0;
    default: return true;
  }
}

/** fmt's %v of a float64: shortest digits, exponent form when exp < -4 || exp >= 6 (strconv 'g', -1): 1e+06. */
export function formatFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mant, expText] = f.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(f);
}

/** fmt.Sprint of one operand (%v). Top-level nil prints "<nil>"; invalid prints "<no value>" in templates. */
export function formatValue(v: unknown, top = true): string {
  switch (kindOf(v)) {
    case 'invalid': return top ? '<no value>' : '<nil>';
    case 'nil': return '<nil>';
    case 'string': return v as string;
    case 'int': return String(v);
    case 'float': return formatFloat(v as number);
    case 'bool': return String(v);
    case 'slice': return `[${Array.from(v as ArrayLike<unknown>, (x) => formatValue(x, false)).join(' ')}]`;
    case 'map': {
      const entries = mapEntries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `map[${entries.map(([k, x]) => `${k}:${formatValue(x, false)}`).join(' ')}]`;
    }
    case 'struct':
      if (v instanceof Date) return v.toISOString();
      if (typeof (v as Record<symbol, unknown>)[GO_STRINGER] === 'function') return ((v as Record<symbol, () => string>)[GO_STRINGER])();
      return `{${mapEntries(v).map(([, x]) => formatValue(x, false)).join(' ')}}`;
    default: return String(v);
  }
}

// A minimal JSON Schema draft-04 validator covering the keywords the OCI runtime-spec schemas use (type,
// properties, required, items, enum, pattern, minimum/maximum, minItems, additionalProperties,
// patternProperties, anyOf/allOf/oneOf, and $ref across the schema files). Used by tests to check every
// config.json we write against ../shared/ref/oci-runtime-schema; no npm dependency needed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Schema = Record<string, unknown>;

export class SchemaSet {
  private readonly files = new Map<string, Schema>();
  constructor(private readonly dir: string) {}

  private file(name: string): Schema {
    let s = this.files.get(name);
    if (!s) { s = JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as Schema; this.files.set(name, s); }
    return s;
  }

  private resolve(ref: string, base: string): [Schema, string] {
    const [file, pointer = ''] = ref.split('#');
    const name = file || base;
    let node: unknown = this.file(name);
    for (const part of pointer.split('/').filter(Boolean)) node = (node as Schema)[part];
    return [node as Schema, name];
  }

  /** Returns the list of violations (empty when valid). */
  validate(value: unknown, fileName: string): string[] {
    const errors: string[] = [];
    this.check(value, this.file(fileName), fileName, '$', errors);
    return errors;
  }

  private check(v: unknown, s: Schema, base: string, at: string, errs: string[]): void {
    if (typeof s.$ref === 'string') { const [t, b] = this.resolve(s.$ref, base); this.check(v, t, b, at, errs); return; }
    if (s.type && !typeMatches(v, s.type as string | string[])) { errs.push(`${at}: expected ${String(s.type)}`); return; }
    if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) errs.push(`${at}: not in enum`);
    if (typeof v === 'string' && typeof s.pattern === 'string' && !new RegExp(s.pattern).test(v)) errs.push(`${at}: pattern ${s.pattern}`);
    if (typeof v === 'number') {
      if (typeof s.minimum === 'number' && v < s.minimum) errs.push(`${at}: < ${s.minimum}`);
      if (typeof s.maximum === 'number' && v > s.maximum) errs.push(`${at}: > ${s.maximum}`);
    }
    if (Array.isArray(v)) {
      if (typeof s.minItems === 'number' && v.length < s.minItems) errs.push(`${at}: fewer than ${s.minItems} items`);
      if (s.items && typeof s.items === 'object') v.forEach((x, i) => this.check(x, s.items as Schema, base, `${at}[${i}]`, errs));
    }
    if (v && typeof v === 'object' && !Array.isArray(v)) this.checkObject(v as Schema, s, base, at, errs);
    for (const sub of (s.allOf as Schema[] | undefined) ?? []) this.check(v, sub, base, at, errs);
    for (const key of ['anyOf', 'oneOf'] as const) {
      const alts = s[key] as Schema[] | undefined;
      if (!alts) continue;
      const ok = alts.filter((a) => { const e: string[] = []; this.check(v, a, base, at, e); return e.length === 0; }).length;
      if (key === 'anyOf' ? ok === 0 : ok !== 1) errs.push(`${at}: ${key} matched ${ok}`);
    }
  }

  private checkObject(v: Schema, s: Schema, base: string, at: string, errs: string[]): void {
    for (const r of (s.required as string[] | undefined) ?? []) if (!(r in v)) errs.push(`${at}: missing ${r}`);
    const props = (s.properties as Record<string, Schema> | undefined) ?? {};
    const patterns = Object.entries((s.patternProperties as Record<string, Schema> | undefined) ?? {});
    for (const [k, x] of Object.entries(v)) {
      let matched = false;
      if (props[k]) { matched = true; this.check(x, props[k]!, base, `${at}.${k}`, errs); }
      for (const [p, ps] of patterns) if (new RegExp(p).test(k)) { matched = true; this.check(x, ps, base, `${at}.${k}`, errs); }
      if (!matched && s.additionalProperties === false) errs.push(`${at}: unexpected ${k}`);
      else if (!matched && typeof s.additionalProperties === 'object') this.check(x, s.additionalProperties as Schema, base, `${at}.${k}`, errs);
    }
  }
}

function typeMatches(v: unknown, t: string | string[]): boolean {
  const types = Array.isArray(t) ? t : [t];
  return types.some((ty) => {
    switch (ty) {
      case 'integer': return Number.isInteger(v);
      case 'number': return typeof v === 'number';
      case 'array': return Array.isArray(v);
      case 'object': return v !== null && typeof v === 'object' && !Array.isArray(v);
      case 'null': return v === null;
      default: return typeof v === ty;
    }
  });
}

// A compact validator for the Swagger 2.0 response schemas of the Engine API spec (../shared/ref): `$ref` into
// `definitions`, `allOf` (merged, so extra-property checks see every branch's properties), `type`, `enum`,
// `properties`, `required`, `items`, `additionalProperties` and `x-nullable`. Used by api-spec.test.ts to check
// real wharfd bodies; src/runtime/oci/json-schema-lite.ts is the draft-04 cousin for the OCI schemas.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export type Schema = Record<string, unknown>;

/** What went wrong: a wrong type, a null where the spec is not x-nullable, a missing required property, an
 *  unknown property where the spec allows none, or a value outside an enum. */
export type IssueKind = 'type' | 'null' | 'required' | 'extra' | 'enum';

export interface Issue {
  kind: IssueKind;
  /** JSONPath-ish location with array indexes and map keys generalised (`$.Mounts[].Type`, `$.Labels{}`),
   *  so an allowance in a test names a place, not one element. */
  path: string;
  message: string;
}

interface Flat {
  type?: string;
  nullable: boolean;
  enum?: unknown[];
  properties: Record<string, Schema>;
  required: Set<string>;
  /** true: any extra allowed; false: none declared (extras reported); a schema: every extra value's shape. */
  additional: boolean | Schema;
  hasProperties: boolean;
  items?: Schema;
}

export class SwaggerSpec {
  private readonly flatCache = new Map<Schema, Flat>();

  constructor(readonly doc: Schema) {}

  static load(file: string): SwaggerSpec {
    return new SwaggerSpec(parse(readFileSync(file, 'utf8')) as Schema);
  }

  /** The response schema of `method path` for `status` (path as written in the spec: `/containers/{id}/json`). */
  responseSchema(method: string, path: string, status: number): Schema {
    const paths = this.doc.paths as Record<string, Record<string, Schema>>;
    const op = paths[path]?.[method.toLowerCase()];
    if (!op) throw new Error(`spec has no ${method} ${path}`);
    const resp = (op.responses as Record<string, Schema>)[String(status)];
    if (!resp) throw new Error(`spec has no ${status} response for ${method} ${path}`);
    const schema = resp.schema as Schema | undefined;
    if (!schema) throw new Error(`spec gives no schema for ${status} of ${method} ${path}`);
    return schema;
  }

  definition(name: string): Schema {
    const d = (this.doc.definitions as Record<string, Schema>)[name];
    if (!d) throw new Error(`spec has no definition ${name}`);
    return d;
  }

  validate(value: unknown, schema: Schema): Issue[] {
    const out: Issue[] = [];
    this.check(value, schema, '$', out);
    return out;
  }

  private deref(s: Schema): Schema {
    for (let i = 0; typeof s.$ref === 'string'; i++) {
      if (i > 20) throw new Error(`$ref loop at ${s.$ref}`);
      const m = /^#\/definitions\/(.+)$/.exec(s.$ref);
      if (!m) throw new Error(`unsupported $ref ${s.$ref}`);
      // A sibling x-nullable beside a $ref is how the spec marks a nullable reference.
      const target = this.definition(m[1]!);
      s = s['x-nullable'] === true ? { ...target, 'x-nullable': true } : target;
    }
    return s;
  }

  /** Resolves $ref and merges allOf branches into one view of the schema. */
  private flatten(schema: Schema): Flat {
    const cached = this.flatCache.get(schema);
    if (cached) return cached;
    const s = this.deref(schema);
    const f: Flat = { nullable: s['x-nullable'] === true, properties: {}, required: new Set(), additional: false, hasProperties: false };
    if (typeof s.type === 'string') f.type = s.type;
    if (Array.isArray(s.enum)) f.enum = s.enum;
    if (s.items && typeof s.items === 'object') f.items = s.items as Schema;
    if (s.properties && typeof s.properties === 'object') {
      Object.assign(f.properties, s.properties);
      f.hasProperties = true;
    }
    for (const r of (s.required as string[] | undefined) ?? []) f.required.add(r);
    if (s.additionalProperties === true || (s.additionalProperties && typeof s.additionalProperties === 'object')) {
      f.additional = s.additionalProperties as true | Schema;
    }
    for (const sub of ((s.allOf as Schema[] | undefined) ?? []).map((p) => this.flatten(p))) {
      f.type ??= sub.type;
      f.enum ??= sub.enum;
      f.items ??= sub.items;
      f.nullable ||= sub.nullable;
      Object.assign(f.properties, sub.properties);
      for (const r of sub.required) f.required.add(r);
      if (sub.additional !== false && f.additional !== true) f.additional = sub.additional;
      f.hasProperties ||= sub.hasProperties;
    }
    if (!f.type && (f.hasProperties || f.additional !== false)) f.type = 'object';
    this.flatCache.set(schema, f);
    return f;
  }

  private check(v: unknown, schema: Schema, at: string, out: Issue[]): void {
    const f = this.flatten(schema);
    if (v === null) {
      // dockerd is written in Go: a nil slice or map encodes as null whatever the spec says, so only a null
      // scalar is a real departure.
      // Go pointer fields (HostConfig's *int64/*bool ones) encode as null too.
      const goPointer = /\.(MemorySwappiness|OomKillDisable|PidsLimit|Init)$/.test(at);
      if (!f.nullable && !goPointer && f.type && f.type !== 'array' && f.type !== 'object') out.push({ kind: 'null', path: at, message: `${at}: null, but the spec's ${f.type} is not x-nullable` });
      return;
    }
    if (f.type && !typeMatches(v, f.type)) {
      out.push({ kind: 'type', path: at, message: `${at}: expected ${f.type}, got ${describe(v)}` });
      return;
    }
    if (f.enum && !f.enum.some((e) => e === v)) {
      out.push({ kind: 'enum', path: at, message: `${at}: ${JSON.stringify(v)} not in enum ${JSON.stringify(f.enum)}` });
    }
    if (Array.isArray(v)) {
      if (f.items) for (const x of v) this.check(x, f.items, `${at}[]`, out);
      return;
    }
    if (typeof v === 'object') this.checkObject(v as Record<string, unknown>, f, at, out);
  }

  private checkObject(v: Record<string, unknown>, f: Flat, at: string, out: Issue[]): void {
    for (const r of f.required) {
      if (!(r in v)) out.push({ kind: 'required', path: `${at}.${r}`, message: `${at}: missing required ${r}` });
    }
    for (const [k, x] of Object.entries(v)) {
      const ps = f.properties[k];
      if (ps) this.check(x, ps, `${at}.${k}`, out);
      else if (typeof f.additional === 'object') this.check(x, f.additional, `${at}{}`, out);
      // A bare `type: object` (no properties, no additionalProperties) is free-form in this spec.
      // dockerd 20.10 itself sends a few properties the spec omits (/system/df's BuilderSize).
      else if (f.additional === false && f.hasProperties && !DOCKERD_EXTRAS.has(`${at}.${k}`)) {
        out.push({ kind: 'extra', path: `${at}.${k}`, message: `${at}: property ${k} is not in the spec` });
      }
    }
  }
}

const DOCKERD_EXTRAS = new Set(['$.BuilderSize']);

function typeMatches(v: unknown, type: string): boolean {
  switch (type) {
    case 'object': return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array': return Array.isArray(v);
    case 'string': return typeof v === 'string';
    case 'boolean': return typeof v === 'boolean';
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'number': return typeof v === 'number';
    default: return true;
  }
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  const s = JSON.stringify(v);
  return `${typeof v} ${s && s.length > 40 ? `${s.slice(0, 40)}…` : s}`;
}

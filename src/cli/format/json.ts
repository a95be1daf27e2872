// The `json` template function: Go's encoding/json as docker/cli calls it (Encoder with SetEscapeHTML(false),
// trailing newline trimmed, errors swallowed so an unsupported value renders as "").
import { isStruct } from './values.js';

/**
 * Marks a formatter context whose toJSON stands for docker/cli's MarshalJSON: that one calls json.Marshal,
 * which escapes <, > and & as \u003c, \u003e, \u0026 whatever the outer encoder's SetEscapeHTML(false) says
 * (`docker ps --format '{{json .}}'` prints "echo hi \u003e /x").
 */
export const GO_MARSHALER = Symbol.for('wharf.format.goMarshaler');

export function goJson(v: unknown): string {
  try { return encode(v, false); } catch { return ''; }
}

function encode(v: unknown, html: boolean): string {
  if (v === undefined || v === null) return 'null';
  switch (typeof v) {
    case 'string': return goJsonString(v, html);
    case 'boolean': return String(v);
    case 'bigint': return v.toString();
    case 'number':
      // JSON.stringify matches Go's float64 encoding ('f', or 'e' when exp < -6 || exp >= 21, as "1e-7").
      if (!Number.isFinite(v)) throw new Error(`json: unsupported value: ${v}`);
      return JSON.stringify(v);
    case 'function': case 'symbol': throw new Error(`json: unsupported type: ${typeof v}`);
    default: break;
  }
  const o = v as { toJSON?: () => unknown };
  if (v instanceof Date) return goJsonString(v.toISOString(), html);
  if (typeof o.toJSON === 'function') return encode(o.toJSON(), html || GO_MARSHALER in o);
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return `[${Array.from(v as ArrayLike<unknown>, (x) => encode(x, html)).join(',')}]`;
  // Go sorts map keys; plain objects keep their order because they arrive from Docker's own JSON, where
  // struct fields are in declaration order and maps are already sorted.
  const entries = v instanceof Map
    ? [...v.entries()].map(([k, x]) => [String(k), x] as [string, unknown]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    : Object.entries(v as object);
  const parts = entries.filter(([, x]) => typeof x !== 'function' && !(x === undefined && isStruct(v as object)));
  return `{${parts.map(([k, x]) => `${goJsonString(k, html)}:${encode(x, html)}`).join(',')}}`;
}

/** encoding/json's string escaping, escapeHTML off unless `html` (go1.19: \b and \f as \u0008, \u000c). */
export function goJsonString(s: string, html = false): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (html && (ch === '<' || ch === '>' || ch === '&')) out += `\\u00${c.toString(16)}`;
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20) out += `\\u00${c.toString(16).padStart(2, '0')}`;
    else if (c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16)}`;
    else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else out += ch;
  }
  return `${out}"`;
}

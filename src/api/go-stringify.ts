// JSON text as dockerd writes it: json.Marshal and json.NewEncoder escape HTML characters by default.
const ANY_ESCAPED = /[<>&\u2028\u2029]/;
const ESCAPED = /[<>&\u2028\u2029]/g;
const escape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * JSON.stringify, then <, > and & as \u003c, \u003e, \u0026 and U+2028/U+2029 escaped, as Go's encoder
 * writes them (`" ---\u003e 5eafacb972fe\n"` in a build stream, `"sh -c 'a \u003e b'"` in a container list).
 * Those characters only ever appear inside JSON strings, so a replace over the text is exact.
 */
export function goStringify(body: unknown): string {
  const text = JSON.stringify(body);
  return ANY_ESCAPED.test(text) ? text.replace(ESCAPED, escape) : text;
}

// Decodes a request body the way Go's json.Decoder does for dockerd: the first JSON value is used and
// trailing bytes are ignored, an empty body is "EOF", a truncated one "unexpected EOF", and a syntax error
// carries encoding/json's exact text ("invalid character 'x' looking for beginning of value"), which the
// docker CLI shows to users verbatim.
import { InvalidParameter } from '../errors.js';

class Scan {
  pos = 0;
  constructor(readonly s: string) {}
}

/** Go's quoteChar: the offending character as encoding/json prints it. */
function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  const q = JSON.stringify(c).slice(1, -1);
  return `'${q}'`;
}

class SyntaxFailure extends Error {}

function fail(s: Scan, context: string): never {
  if (s.pos >= s.s.length) throw new SyntaxFailure('unexpected EOF');
  throw new SyntaxFailure(`invalid character ${quoteChar(s.s[s.pos]!)} ${context}`);
}

function skipSpace(s: Scan): void {
  while (s.pos < s.s.length && ' \t\r\n'.includes(s.s[s.pos]!)) s.pos++;
}

function literal(s: Scan, word: string): void {
  for (let i = 0; i < word.length; i++, s.pos++) {
    if (s.s[s.pos] !== word[i]) fail(s, `in literal ${word} (expecting '${word[i]}')`);
  }
}

function string(s: Scan): void {
  s.pos++; // opening quote
  for (;;) {
    if (s.pos >= s.s.length) fail(s, '');
    const c = s.s[s.pos]!;
    if (c === '"') { s.pos++; return; }
    if (c < ' ') fail(s, 'in string literal');
    if (c === '\\') {
      s.pos++;
      const e = s.s[s.pos];
      if (e === undefined) fail(s, '');
      if (e === 'u') {
        for (let i = 0; i < 4; i++) {
          s.pos++;
          if (!/[0-9a-fA-F]/.test(s.s[s.pos] ?? '')) fail(s, 'in \\u hexadecimal character escape');
        }
      } else if (!'"\\/bfnrt'.includes(e)) fail(s, 'in string escape code');
    }
    s.pos++;
  }
}

function number(s: Scan): void {
  if (s.s[s.pos] === '-') {
    s.pos++;
    if (!/[0-9]/.test(s.s[s.pos] ?? '')) fail(s, 'in numeric literal');
  }
  if (s.s[s.pos] === '0') s.pos++;
  else while (/[0-9]/.test(s.s[s.pos] ?? '')) s.pos++;
  if (s.s[s.pos] === '.') {
    s.pos++;
    if (!/[0-9]/.test(s.s[s.pos] ?? '')) fail(s, 'after decimal point in numeric literal');
    while (/[0-9]/.test(s.s[s.pos] ?? '')) s.pos++;
  }
  if (s.s[s.pos] === 'e' || s.s[s.pos] === 'E') {
    s.pos++;
    if (s.s[s.pos] === '+' || s.s[s.pos] === '-') s.pos++;
    if (!/[0-9]/.test(s.s[s.pos] ?? '')) fail(s, 'in exponent of numeric literal');
    while (/[0-9]/.test(s.s[s.pos] ?? '')) s.pos++;
  }
}

function value(s: Scan): void {
  skipSpace(s);
  const c = s.s[s.pos];
  if (c === '{') return object(s);
  if (c === '[') return array(s);
  if (c === '"') return string(s);
  if (c === 't') return literal(s, 'true');
  if (c === 'f') return literal(s, 'false');
  if (c === 'n') return literal(s, 'null');
  if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number(s);
  fail(s, 'looking for beginning of value');
}

function object(s: Scan): void {
  s.pos++;
  skipSpace(s);
  if (s.s[s.pos] === '}') { s.pos++; return; }
  for (;;) {
    skipSpace(s);
    if (s.s[s.pos] !== '"') fail(s, 'looking for beginning of object key string');
    string(s);
    skipSpace(s);
    if (s.s[s.pos] !== ':') fail(s, 'after object key');
    s.pos++;
    value(s);
    skipSpace(s);
    if (s.s[s.pos] === ',') { s.pos++; continue; }
    if (s.s[s.pos] === '}') { s.pos++; return; }
    fail(s, 'after object key:value pair');
  }
}

function array(s: Scan): void {
  s.pos++;
  skipSpace(s);
  if (s.s[s.pos] === ']') { s.pos++; return; }
  for (;;) {
    value(s);
    skipSpace(s);
    if (s.s[s.pos] === ',') { s.pos++; continue; }
    if (s.s[s.pos] === ']') { s.pos++; return; }
    fail(s, 'after array element');
  }
}

/**
 * Parses the first JSON value of `text` like json.Decoder.Decode. Throws InvalidParameter with Go's message
 * (dockerd 20.10 answers some of these with 500; newer dockerd and wharf answer 400).
 */
export function decodeGoJson(text: string): unknown {
  const s = new Scan(text);
  skipSpace(s);
  if (s.pos >= text.length) throw new InvalidParameter('EOF');
  try {
    value(s);
  } catch (err) {
    if (err instanceof SyntaxFailure) throw new InvalidParameter(err.message);
    throw err;
  }
  return JSON.parse(text.slice(0, s.pos));
}

/** Go's name for a JSON value's type in "json: cannot unmarshal X into Go value of type Y". */
export function goJsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v; // string, number, boolean
}

/**
 * An object's keys renamed to the Go struct fields they decode into: encoding/json matches a key to a field
 * exactly or, failing that, case-insensitively (docker-py sends exec create's `detachKeys`). Keys that match
 * no field are kept as they are.
 */
export function goFields(obj: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const byLower = new Map(fields.map((f) => [f.toLowerCase(), f]));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const field = fields.includes(k) ? k : byLower.get(k.toLowerCase()) ?? k;
    // An exact key wins over a case-folded one for the same field, whatever their order.
    if (field !== k && Object.prototype.hasOwnProperty.call(obj, field)) continue;
    out[field] = v;
  }
  return out;
}

// Variable interpolation in compose files, with compose-go's rules: $VAR and ${VAR}, the defaults
// ${VAR:-word} (unset or empty) and ${VAR-word} (unset), the alternatives ${VAR:+word} and ${VAR+word},
// required values ${VAR:?message} and ${VAR?message}, `$$` for a literal dollar, nesting inside the word.

export type Lookup = (name: string) => string | undefined;

export class InterpolationError extends Error {}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Substitutes every variable in `text`; throws InterpolationError for a required variable or bad syntax. */
export function interpolate(text: string, lookup: Lookup): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== '$') { out += c; i++; continue; }
    const next = text[i + 1];
    if (next === '$') { out += '$'; i += 2; continue; }
    if (next === '{') {
      const end = closingBrace(text, i + 2);
      if (end < 0) throw new InterpolationError(`Invalid template: "${text}"`);
      out += expandBraced(text.slice(i + 2, end), lookup, text);
      i = end + 1;
      continue;
    }
    const m = NAME.exec(text.slice(i + 1));
    if (!m) { out += '$'; i++; continue; }
    out += lookup(m[0]) ?? '';
    i += 1 + m[0].length;
  }
  return out;
}

/** The index of the `}` closing a `${` whose body starts at `from`, honouring nested `${...}`. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '{') { depth++; i++; continue; }
    if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function expandBraced(body: string, lookup: Lookup, whole: string): string {
  const m = NAME.exec(body);
  if (!m) throw new InterpolationError(`Invalid template: "${whole}"`);
  const name = m[0];
  const rest = body.slice(name.length);
  const value = lookup(name);
  if (rest === '') return value ?? '';
  const op = /^(:?[-+?])/.exec(rest);
  if (!op) throw new InterpolationError(`Invalid template: "${whole}"`);
  const word = (): string => interpolate(rest.slice(op[1]!.length), lookup);
  const colon = op[1]!.startsWith(':');
  const isSet = colon ? value !== undefined && value !== '' : value !== undefined;
  switch (op[1]!.slice(-1)) {
    case '-': return isSet ? value! : word();
    case '+': return isSet ? word() : '';
    default: {
      if (isSet) return value!;
      const msg = word();
      throw new InterpolationError(`required variable ${name} is missing a value${msg ? `: ${msg}` : ''}`);
    }
  }
}

/** Interpolates every string in a parsed YAML tree (keys are left alone, as compose does). */
export function interpolateTree(node: unknown, lookup: Lookup): unknown {
  if (typeof node === 'string') return interpolate(node, lookup);
  if (Array.isArray(node)) return node.map((n) => interpolateTree(n, lookup));
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = interpolateTree(v, lookup);
    return out;
  }
  return node;
}

/**
 * A .env file as compose reads it: KEY=VALUE lines, `export ` prefixes, # comments, single quotes literal,
 * double quotes with \n escapes, unquoted values trimmed and cut at " #".
 */
export function parseDotEnv(text: string, lookup: Lookup = () => undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!.trim();
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('export ')) line = line.slice(7).trim();
    const eq = line.indexOf('=');
    if (eq < 0) {
      // A bare name takes its value from the environment, when set there.
      const v = lookup(line);
      if (v !== undefined) out[line] = v;
      continue;
    }
    const key = line.slice(0, eq).trim();
    let raw = line.slice(eq + 1).trim();
    let value: string;
    if (raw.startsWith("'")) {
      // Single-quoted: literal, may span lines.
      while (!/^'[\s\S]*'$/.test(raw) && n + 1 < lines.length) raw += `\n${lines[++n]}`;
      value = raw.replace(/^'|'(\s+#.*)?$/g, '');
    } else if (raw.startsWith('"')) {
      while (!/^"[\s\S]*[^\\]"(\s+#.*)?$|^""$/.test(raw) && n + 1 < lines.length) raw += `\n${lines[++n]}`;
      const body = raw.slice(1, raw.lastIndexOf('"'));
      value = interpolate(body.replace(/\\n/g, '\n').replace(/\\t/g, '\t').replace(/\\"/g, '"').replace(/\\\\/g, '\\'), (k) => out[k] ?? lookup(k));
    } else {
      const hash = raw.search(/\s#/);
      if (hash >= 0) raw = raw.slice(0, hash).trim();
      value = interpolate(raw, (k) => out[k] ?? lookup(k));
    }
    out[key] = value;
  }
  return out;
}

// Go's fmt.Sprintf/Sprint/Sprintln for template values: the common verbs (%v %s %d %q %x %X %o %b %c %t
// %f %e %g %%), flags, width and precision, and fmt's error forms ("%!d(string=ab)", "%!s(MISSING)",
// "%!(EXTRA int=1)").
import { goQuote } from '../../units/index.js';
import { formatFloat, formatValue, kindOf, typeName } from './values.js';

const enc = new TextEncoder();

interface Spec { minus: boolean; plus: boolean; space: boolean; zero: boolean; sharp: boolean; width?: number; prec?: number }

export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argi = 0;
  const re = /%([-+# 0]*)(\d+)?(?:\.(\d*))?(.?)/gsy;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) { out += format.slice(i); break; }
    out += format.slice(i, pct);
    re.lastIndex = pct;
    const m = re.exec(format)!;
    i = re.lastIndex;
    const flags = m[1] ?? '';
    const spec: Spec = { minus: flags.includes('-'), plus: flags.includes('+'), space: flags.includes(' '), zero: flags.includes('0'), sharp: flags.includes('#'),
      width: m[2] ? Number(m[2]) : undefined, prec: m[3] !== undefined ? Number(m[3] || 0) : undefined };
    const verb = m[4] ?? '';
    if (verb === '') { out += '%!(NOVERB)'; continue; }
    if (verb === '%') { out += '%'; continue; }
    if (argi >= args.length) { out += `%!${verb}(MISSING)`; continue; }
    out += formatOne(verb, args[argi++], spec);
  }
  if (argi < args.length) out += `%!(EXTRA ${args.slice(argi).map((a) => `${argType(a)}=${formatValue(a, false)}`).join(', ')})`;
  return out;
}

function argType(a: unknown): string { return a === undefined || a === null ? '<nil>' : typeName(a); }

function pad(s: string, spec: Spec, zeroOk = false): string {
  const w = spec.width ?? 0;
  const len = [...s].length;
  if (len >= w) return s;
  if (spec.minus) return s + ' '.repeat(w - len);
  if (spec.zero && zeroOk) {
    const sign = /^[+-]/.test(s) ? s[0]! : '';
    return sign + '0'.repeat(w - len) + s.slice(sign.length);
  }
  return ' '.repeat(w - len) + s;
}

/** fmt's badVerb: the operand is printed with %v under the same flags ("%!d(string=   ab)"). */
function bad(verb: string, v: unknown, spec: Spec): string {
  return v === undefined || v === null ? `%!${verb}(<nil>)` : `%!${verb}(${typeName(v)}=${formatOne('v', v, spec)})`;
}

function formatOne(verb: string, v: unknown, spec: Spec): string {
  const k = kindOf(v);
  switch (verb) {
    case 'v':
      if (k === 'float') return pad(signed(formatFloat(v as number), spec), spec, true);
      if (k === 'int') return pad(signed(precInt(String(v), spec), spec), spec, true);
      return pad(formatValue(v, false), spec);
    case 's': return k === 'string' || k === 'slice' || k === 'map' || k === 'struct' ? pad(precCut(formatValue(v, false), spec), spec) : bad(verb, v, spec);
    case 'q':
      if (k === 'string') return pad(goQuote(v as string), spec);
      if (k === 'int') return pad(`'${goQuote(String.fromCodePoint(Number(v))).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`, spec);
      return bad(verb, v, spec);
    case 'd': return k === 'int' ? pad(signed(precInt(String(v), spec), spec), spec, true) : bad(verb, v, spec);
    case 'x': case 'X': case 'o': case 'b': return radix(verb, v, spec);
    case 'c': return k === 'int' ? pad(String.fromCodePoint(Number(v)), spec) : bad(verb, v, spec);
    case 't': return k === 'bool' ? pad(String(v), spec) : bad(verb, v, spec);
    case 'f': case 'F': case 'e': case 'E': case 'g': case 'G':
      return k === 'float' ? pad(signed(floatVerb(verb, v as number, spec.prec), spec), spec, true) : bad(verb, v, spec);
    default: return bad(verb, v, spec);
  }
}

function signed(s: string, spec: Spec): string {
  if (s.startsWith('-')) return s;
  return spec.plus ? `+${s}` : spec.space ? ` ${s}` : s;
}

function precInt(s: string, spec: Spec): string {
  if (spec.prec === undefined) return s;
  const neg = s.startsWith('-');
  const digits = (neg ? s.slice(1) : s).padStart(spec.prec, '0');
  return (neg ? '-' : '') + digits;
}

function precCut(s: string, spec: Spec): string { return spec.prec === undefined ? s : [...s].slice(0, spec.prec).join(''); }

function radix(verb: string, v: unknown, spec: Spec): string {
  const k = kindOf(v);
  const base = verb === 'o' ? 8 : verb === 'b' ? 2 : 16;
  let s: string;
  if (k === 'int') s = BigInt(v as number).toString(base);
  else if (k === 'string' && base === 16) s = [...enc.encode(v as string)].map((b) => b.toString(16).padStart(2, '0')).join('');
  else return bad(verb, v, spec);
  if (spec.sharp && base !== 2) s = s.replace(/^(-?)/, base === 16 ? '$10x' : '$10');
  if (verb === 'X') s = s.toUpperCase();
  return pad(s, spec, k === 'int');
}

function floatVerb(verb: string, f: number, prec: number | undefined): string {
  switch (verb) {
    case 'f': case 'F': return f.toFixed(prec ?? 6);
    case 'e': case 'E': {
      const s = goExp(f.toExponential(prec ?? 6));
      return verb === 'E' ? s.toUpperCase() : s;
    }
    default: {
      if (prec === undefined) return formatFloat(f);
      const p = prec === 0 ? 1 : prec;
      const exp = f === 0 ? 0 : Math.floor(Math.log10(Math.abs(Number(f.toPrecision(p)))));
      const s = exp < -4 || exp >= p ? goExp(f.toExponential(p - 1).replace(/\.?0+e/, 'e')) : String(Number(f.toPrecision(p)));
      return verb === 'G' ? s.toUpperCase() : s;
    }
  }
}

/** JS "1.5e+3" -> Go "1.5e+03". */
function goExp(s: string): string { return s.replace(/e([+-])(\d)$/, 'e$10$2'); }

/** fmt.Sprint: a space between operands when neither side is a string. */
export function sprint(args: unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(a, false);
  });
  return out;
}

/** fmt.Sprintln: always spaces, then a newline. */
export function sprintln(args: unknown[]): string { return `${args.map((a) => formatValue(a, false)).join(' ')}\n`; }

// A pflag-compatible parser (cobra's flag handling as docker 20.10 uses it): long flags with `=` or a
// separate value, bundled short flags (`-it`, `-eA=B`, `-e=A`), `--` to end flags, and non-interspersed
// commands (run, exec, create) that stop at the first positional. Error messages are pflag's own.

export type FlagType = 'bool' | 'string' | 'int' | 'list' | 'stringSlice';

export interface FlagSpec {
  name: string;
  short?: string;
  type: FlagType;
  usage: string;
  /** The placeholder in help ("string", "list", "filter", "bytes"); defaults from the type. */
  varName?: string;
  /** The default as pflag prints it in help; its value when the flag is absent is `undefined`. */
  defaultText?: string;
  hidden?: boolean;
  /** Validates/converts a string value; throw Error(message) for pflag's `invalid argument` error. */
  parse?: (value: string) => unknown;
}

export type FlagValue = boolean | string | number | string[] | unknown;
export type FlagValues = Record<string, FlagValue | undefined>;

export interface ParseResult { flags: FlagValues; args: string[]; help: boolean }

export class FlagError extends Error {}

const SPACE_VAR: Record<FlagType, string> = { bool: '', string: 'string', int: 'int', list: 'list', stringSlice: 'strings' };

/** strconv.ParseBool */
function parseBool(v: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw new Error(`strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

function parseInt64(v: string): number {
  if (!/^[+-]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO]?[0-7_]*|[1-9][0-9_]*)$/.test(v)) {
    throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  }
  const neg = v.startsWith('-');
  const body = v.replace(/^[+-]/, '').replace(/_/g, '');
  let n: number;
  if (/^0[xX]/.test(body)) n = parseInt(body.slice(2), 16);
  else if (/^0[bB]/.test(body)) n = parseInt(body.slice(2), 2);
  else if (/^0[oO]/.test(body)) n = parseInt(body.slice(2), 8);
  else if (body.length > 1 && body.startsWith('0')) n = parseInt(body.slice(1), 8);
  else n = parseInt(body, 10);
  return neg ? -n : n;
}

function flagLabel(f: FlagSpec): string { return f.short ? `-${f.short}, --${f.name}` : `--${f.name}`; }

export class FlagSet {
  private readonly byName = new Map<string, FlagSpec>();
  private readonly byShort = new Map<string, FlagSpec>();

  constructor(readonly specs: FlagSpec[], private readonly interspersed = true, helpShort = true) {
    for (const f of specs) {
      this.byName.set(f.name, f);
      if (f.short) this.byShort.set(f.short, f);
    }
    if (!this.byName.has('help')) {
      const help: FlagSpec = { name: 'help', type: 'bool', usage: 'Print usage', hidden: true, ...(helpShort && !this.byShort.has('h') ? { short: 'h' } : {}) };
      this.byName.set('help', help);
      if (help.short) this.byShort.set('h', help);
    }
  }

  parse(argv: readonly string[]): ParseResult {
    const flags: FlagValues = {};
    const args: string[] = [];
    let i = 0;
    const set = (f: FlagSpec, raw: string) => { flags[f.name] = this.convert(f, raw, flags[f.name]); };
    while (i < argv.length) {
      const a = argv[i++]!;
      if (a === '--') { args.push(...argv.slice(i)); break; }
      if (a.length < 2 || !a.startsWith('-')) {
        args.push(a);
        if (!this.interspersed) { args.push(...argv.slice(i)); break; }
        continue;
      }
      if (a.startsWith('--')) {
        const eq = a.indexOf('=');
        const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
        const f = this.byName.get(name);
        if (!f) throw new FlagError(`unknown flag: --${name}`);
        if (eq >= 0) set(f, a.slice(eq + 1));
        else if (f.type === 'bool') set(f, 'true');
        else if (i < argv.length) set(f, argv[i++]!);
        else throw new FlagError(`flag needs an argument: --${name}`);
        continue;
      }
      let shorts = a.slice(1);
      while (shorts.length > 0) {
        const c = shorts[0]!;
        const f = this.byShort.get(c);
        if (!f) throw new FlagError(`unknown shorthand flag: '${c}' in -${shorts}`);
        if (shorts.length > 2 && shorts[1] === '=') { set(f, shorts.slice(2)); shorts = ''; break; }
        if (f.type === 'bool') { set(f, 'true'); shorts = shorts.slice(1); continue; }
        if (shorts.length > 1) { set(f, shorts.slice(1)); shorts = ''; break; }
        if (i < argv.length) { set(f, argv[i++]!); shorts = ''; break; }
        throw new FlagError(`flag needs an argument: '${c}' in -${shorts}`);
      }
    }
    const help = flags.help === true;
    delete flags.help;
    return { flags, args, help };
  }

  private convert(f: FlagSpec, raw: string, prev: unknown): unknown {
    try {
      if (f.parse) {
        const v = f.parse(raw);
        return f.type === 'list' ? [...((prev as unknown[] | undefined) ?? []), v] : v;
      }
      switch (f.type) {
        case 'bool': return parseBool(raw);
        case 'int': return parseInt64(raw);
        case 'string': return raw;
        case 'list': return [...((prev as string[] | undefined) ?? []), raw];
        case 'stringSlice': return [...((prev as string[] | undefined) ?? []), ...(raw === '' ? [] : raw.split(','))];
      }
    } catch (err) {
      throw new FlagError(`invalid argument ${JSON.stringify(raw)} for "${flagLabel(f)}" flag: ${(err as Error).message}`);
    }
  }

  /** pflag FlagUsagesWrapped(cols): sorted by name, aligned, wrapped at `cols` (docker passes width - 1). */
  usages(cols = 79): string {
    const lines: string[] = [];
    let maxlen = 0;
    const visible = [...this.byName.values()].filter((f) => !f.hidden).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const f of visible) {
      let line = f.short ? `  -${f.short}, --${f.name}` : `      --${f.name}`;
      const varName = f.varName ?? SPACE_VAR[f.type];
      if (varName) line += ` ${varName}`;
      line += '\0';
      maxlen = Math.max(maxlen, line.length);
      line += f.usage;
      if (f.defaultText !== undefined) line += ` (default ${f.defaultText})`;
      lines.push(line);
    }
    let out = '';
    for (const line of lines) {
      const sidx = line.indexOf('\0');
      out += `${line.slice(0, sidx)} ${' '.repeat(maxlen - sidx)} ${wrap(maxlen + 2, cols, line.slice(sidx + 1))}\n`;
    }
    return out;
  }
}

function wrapN(i: number, slop: number, s: string): [string, string] {
  if (i + slop > s.length) return [s, ''];
  const head = s.slice(0, i);
  const w = Math.max(head.lastIndexOf(' '), head.lastIndexOf('\t'), head.lastIndexOf('\n'));
  if (w <= 0) return [s, ''];
  const nl = head.lastIndexOf('\n');
  if (nl > 0 && nl < w) return [s.slice(0, nl), s.slice(nl + 1)];
  return [s.slice(0, w), s.slice(w + 1)];
}

/** pflag's wrap(i, w, s). */
function wrap(i: number, w: number, s: string): string {
  if (w === 0) return s.replaceAll('\n', `\n${' '.repeat(i)}`);
  let width = w - i;
  let r = '';
  if (width < 24) { i = 16; width = w - i; r += `\n${' '.repeat(i)}`; }
  if (width < 24) return s.replaceAll('\n', r);
  const slop = 5;
  width -= slop;
  let [l, rest] = wrapN(width, slop, s);
  r += l.replaceAll('\n', `\n${' '.repeat(i)}`);
  while (rest !== '') {
    let t: string;
    [t, rest] = wrapN(width, slop, rest);
    r += `\n${' '.repeat(i)}${t.replaceAll('\n', `\n${' '.repeat(i)}`)}`;
  }
  return r;
}

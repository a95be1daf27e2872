// Shell-word expansion as BuildKit's shell.Lex does it (frontend/dockerfile/shell/lex.go): $VAR, ${VAR},
// ${VAR:-w} ${VAR-w} ${VAR:+w} ${VAR+w} ${VAR:?m} ${VAR?m}, ${VAR#p} ${VAR##p} ${VAR%p} ${VAR%%p},
// ${VAR/p/r} ${VAR//p/r}; quotes and the escape token handled like sh, with no command substitution.
// processWord keeps the text as one string; processWords splits it on whitespace after expansion.
import { InvalidParameter } from '../../errors.js';
import { goQuote, isSpace } from './go-strings.js';
import { replacePattern, trimPrefix, trimSuffix } from './shell-pattern.js';

export type ShellEnv = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

export interface ShellLexOptions {
  /** Keep quote characters in the output (BuildKit's RawQuotes). */
  rawQuotes?: boolean;
  /** Keep escape tokens in the output (RawEscapes). */
  rawEscapes?: boolean;
  /** Treat quotes as ordinary characters (SkipProcessQuotes). */
  skipProcessQuotes?: boolean;
  /** Leave references to unset variables as written (SkipUnsetEnv). */
  skipUnsetEnv?: boolean;
}

export interface ProcessWordResult {
  result: string;
  words: string[];
  /** Variables referenced and set. */
  matched: Set<string>;
  /** Variables referenced but unset. */
  unmatched: Set<string>;
}

const EOF = undefined;
type Ch = string | undefined;

// Go's "$@ $* $# $? $- $$ $! $0": special parameters, never set in a Dockerfile.
const SPECIAL_PARAMS = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);
const DIGIT_RE = /^\p{Nd}$/u;
const LETTER_RE = /^\p{L}$/u;

function lookup(env: ShellEnv, name: string): string | undefined {
  if (env instanceof Map) return env.get(name);
  const rec = env as Readonly<Record<string, string>>;
  return Object.hasOwn(rec, name) ? rec[name] : undefined;
}

// Word splitting state (BuildKit's wordsStruct). Each processStopOn call owns one; BuildKit ≥0.15 shares a
// single buffer between nested calls, which drops text before a ${VAR:-x}: we keep the earlier behaviour.
class Words {
  private buf = '';
  private inWord = false;
  readonly words: string[] = [];
  addChar(ch: string): void {
    if (isSpace(ch) && this.inWord) {
      if (this.buf !== '') { this.words.push(this.buf); this.buf = ''; this.inWord = false; }
    } else if (!isSpace(ch)) {
      this.addRawChar(ch);
    }
  }
  addRawChar(ch: string): void { this.buf += ch; this.inWord = true; }
  addString(s: string): void { for (const ch of s) this.addChar(ch); }
  addRawString(s: string): void { this.buf += s; this.inWord = true; }
  getWords(): string[] {
    if (this.buf !== '') { this.words.push(this.buf); this.buf = ''; this.inWord = false; }
    return this.words;
  }
}

class ShellWord {
  private pos = 0;
  private readonly cps: string[];
  readonly matched = new Set<string>();
  readonly unmatched = new Set<string>();

  constructor(source: string, private readonly lex: ShellLex, private readonly env: ShellEnv,
    private rawEscapes: boolean) {
    this.cps = Array.from(source);
  }

  private peek(): Ch { return this.cps[this.pos]; }
  private next(): Ch { return this.pos < this.cps.length ? this.cps[this.pos++] : EOF; }

  processStopOn(stopChar: Ch, rawEscapes: boolean): { result: string; words: string[] } {
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      return this.stopOn(stopChar);
    } finally {
      this.rawEscapes = saved;
    }
  }

  private special(ch: string): (() => string) | undefined {
    if (ch === '$') return () => this.processDollar();
    if (ch === '<') return () => this.processPossibleHeredoc();
    if (this.lex.options.skipProcessQuotes) return undefined;
    if (ch === "'") return () => this.processSingleQuote();
    if (ch === '"') return () => this.processDoubleQuote();
    return undefined;
  }

  private stopOn(stopChar: Ch): { result: string; words: string[] } {
    let result = '';
    const words = new Words();
    for (let ch = this.peek(); ch !== EOF; ch = this.peek()) {
      if (stopChar !== EOF && ch === stopChar) {
        this.next();
        return { result, words: words.getWords() };
      }
      const fn = this.special(ch);
      if (fn) {
        const tmp = fn();
        result += tmp;
        if (ch === '$') words.addString(tmp);
        else words.addRawString(tmp);
        continue;
      }
      let c = this.next()!;
      if (c === this.lex.escapeToken) {
        if (this.rawEscapes) { words.addRawChar(c); result += c; }
        // The escape token escapes the next character; alone at the end it is dropped.
        const escaped = this.next();
        if (escaped === EOF) break;
        c = escaped;
        words.addRawChar(c);
      } else {
        words.addChar(c);
      }
      result += c;
    }
    if (stopChar !== EOF) {
      throw new InvalidParameter(`unexpected end of statement while looking for matching ${stopChar}`);
    }
    return { result, words: words.getWords() };
  }

  // Everything up to the next ' is literal; a single quote cannot be escaped inside.
  private processSingleQuote(): string {
    const raw = this.lex.options.rawQuotes === true;
    let result = raw ? this.next()! : (this.next(), '');
    for (;;) {
      const ch = this.next();
      if (ch === EOF) throw new InvalidParameter('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") return raw ? result + ch : result;
      result += ch;
    }
  }

  // Literal except $ expansions; the escape token only escapes " $ and itself, otherwise it stays.
  private processDoubleQuote(): string {
    const raw = this.lex.options.rawQuotes === true;
    let result = raw ? this.next()! : (this.next(), '');
    for (;;) {
      const peek = this.peek();
      if (peek === EOF) throw new InvalidParameter('unexpected end of statement while looking for matching double-quote');
      if (peek === '"') return raw ? result + this.next()! : (this.next(), result);
      if (peek === '$') { result += this.processDollar(); continue; }
      let ch = this.next()!;
      if (ch === this.lex.escapeToken) {
        if (this.rawEscapes) result += ch;
        const after = this.peek();
        if (after === EOF) continue;
        if (after === '"' || after === '$' || after === this.lex.escapeToken) ch = this.next()!;
      }
      result += ch;
    }
  }

  private getEnv(name: string): string | undefined {
    const v = lookup(this.env, name);
    (v === undefined ? this.unmatched : this.matched).add(name);
    return v;
  }

  private processDollar(): string {
    this.next();
    if (this.peek() !== '{') {
      const name = this.processName();
      if (name === '') return '$';
      const value = this.getEnv(name);
      if (value === undefined && this.lex.options.skipUnsetEnv) return '$' + name;
      return value ?? '';
    }
    this.next();
    const first = this.peek();
    if (first === EOF) throw new InvalidParameter("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new InvalidParameter('syntax error: bad substitution');
    const name = this.processName();
    const ch = this.next();
    if (ch === '}') {
      const value = this.getEnv(name);
      if (value === undefined && this.lex.options.skipUnsetEnv) return `\${${name}}`;
      return value ?? '';
    }
    if (ch === ':' || ch === '+' || ch === '-' || ch === '?' || ch === '#' || ch === '%') {
      return this.processModifier(name, ch);
    }
    if (ch === '/') return this.processReplace(name);
    throw new InvalidParameter(`unsupported modifier (${ch ?? '\ufffd'}) in substitution`);
  }

  private stopOnBrace(rawEscapes: boolean): string {
    try {
      return this.processStopOn('}', rawEscapes).result;
    } catch (err) {
      if (this.peek() === EOF) throw new InvalidParameter("syntax error: missing '}'");
      throw err;
    }
  }

  private processModifier(name: string, first: string): string {
    let ch: Ch = first;
    let chs = first;
    const nullIsUnset = first === ':';
    if (nullIsUnset) { ch = this.next(); chs += ch ?? '\ufffd'; }
    const rawEscapes = ch === '#' || ch === '%';
    if (nullIsUnset && rawEscapes) throw new InvalidParameter(`unsupported modifier (${chs}) in substitution`);
    let word = this.stopOnBrace(rawEscapes);
    const value = this.getEnv(name);
    if (value === undefined && this.lex.options.skipUnsetEnv) return `\${${name}${chs}${word}}`;
    const unset = value === undefined || (nullIsUnset && value === '');
    switch (ch) {
      case '-': return unset ? word : value!;
      case '+': return unset ? '' : word;
      case '?': {
        if (value === undefined) throw new InvalidParameter(`${name}: ${word || 'is not allowed to be unset'}`);
        if (nullIsUnset && value === '') throw new InvalidParameter(`${name}: ${word || 'is not allowed to be empty'}`);
        return value;
      }
      case '%': case '#': {
        // %/# remove the shortest match, %%/## the longest.
        const greedy = word.startsWith(ch);
        if (greedy) word = word.slice(1);
        return ch === '%' ? trimSuffix(word, value ?? '', greedy) : trimPrefix(word, value ?? '', greedy);
      }
      default: throw new InvalidParameter(`unsupported modifier (${chs}) in substitution`);
    }
  }

  private processReplace(name: string): string {
    const all = this.peek() === '/';
    if (all) this.next();
    let pattern: string;
    try {
      pattern = this.processStopOn('/', true).result;
    } catch (err) {
      if (this.peek() === EOF) throw new InvalidParameter("syntax error: missing '/' in ${}");
      throw err;
    }
    const replacement = this.stopOnBrace(true);
    const value = this.getEnv(name);
    if (value === undefined && this.lex.options.skipUnsetEnv) return `\${${name}/${pattern}/${replacement}}`;
    return replacePattern(value ?? '', pattern, replacement, all);
  }

  // A name is letters, digits and _; a leading digit run is a positional parameter; one special char too.
  private processName(): string {
    let name = '';
    for (let ch = this.peek(); ch !== EOF; ch = this.peek()) {
      if (name === '' && DIGIT_RE.test(ch)) {
        while (this.peek() !== EOF && DIGIT_RE.test(this.peek()!)) name += this.next();
        return name;
      }
      if (name === '' && SPECIAL_PARAMS.has(ch)) return this.next()!;
      if (!LETTER_RE.test(ch) && !DIGIT_RE.test(ch) && ch !== '_') break;
      name += this.next();
    }
    return name;
  }

  // `<<` (and the blanks after it) stay glued to the delimiter word so heredocs can be found later.
  private processPossibleHeredoc(): string {
    this.next();
    if (this.peek() !== '<') return '<';
    this.next();
    let space = '';
    for (let ch = this.peek(); ch === '\t' || ch === '\r' || ch === ' '; ch = this.peek()) space += this.next();
    return '<<' + space;
  }
}

export class ShellLex {
  readonly escapeToken: string;
  readonly options: Readonly<ShellLexOptions>;

  constructor(escapeToken = '\\', options: ShellLexOptions = {}) {
    this.escapeToken = escapeToken;
    this.options = { ...options };
  }

  /** Expand `word` into one string (BuildKit's ProcessWord). */
  processWord(word: string, env: ShellEnv): string {
    return this.processWordWithMatches(word, env).result;
  }

  /** Expand `word`, then split it on unquoted whitespace (ProcessWords). */
  processWords(word: string, env: ShellEnv): string[] {
    return this.processWordWithMatches(word, env).words;
  }

  processWordWithMatches(word: string, env: ShellEnv): ProcessWordResult {
    const sw = new ShellWord(word, this, env, this.options.rawEscapes === true);
    try {
      const { result, words } = sw.processStopOn(EOF, this.options.rawEscapes === true);
      return { result, words, matched: sw.matched, unmatched: sw.unmatched };
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw new InvalidParameter(`failed to process ${goQuote(word)}: ${msg}`, { cause: err });
    }
  }
}

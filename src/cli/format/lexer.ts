// Lexer for Go's text/template action language, following go1.19's text/template/parse/lex.go (the Go
// that built Docker 20.10), including its error texts ("bad character U+007D '}'", "unclosed action").

export type ItemType =
  | 'text' | 'leftDelim' | 'rightDelim' | 'space' | 'field' | 'variable' | 'identifier' | 'keyword'
  | 'string' | 'rawString' | 'charConstant' | 'char' | 'number' | 'bool' | 'nil' | 'dot' | 'declare' | 'assign'
  | 'pipe' | 'leftParen' | 'rightParen' | 'comma' | 'eof' | 'error';

export interface Item { type: ItemType; val: string; pos: number; line: number }

const KEYWORDS = new Set(['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'range', 'template', 'with']);
const LEFT = '{{';
const RIGHT = '}}';
const TRIM = '-';

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlnum = (c: string): boolean => c === '_' || /[\p{L}\p{Nd}]/u.test(c);

/** Splits template text into items; an 'error' item ends the stream. */
export function lex(input: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let start = 0;
  let parenDepth = 0;
  let inComment = false;
  const lineAt = lineIndex(input);

  const emit = (type: ItemType): void => {
    items.push({ type, val: input.slice(start, pos), pos: start, line: lineAt(start) });
    start = pos;
  };
  const fail = (msg: string): void => { items.push({ type: 'error', val: msg, pos: start, line: lineAt(start) }); };
  const ignore = (): void => { start = pos; };
  const next = (): string => {
    if (pos >= input.length) return '';
    const c = String.fromCodePoint(input.codePointAt(pos)!);
    pos += c.length;
    return c;
  };
  // Go's atRightDelim: "}}" or " -}}" (any space before the trim marker).
  const atTrimRight = (): boolean => pos < input.length && isSpace(input[pos]!) && input.startsWith(TRIM + RIGHT, pos + 1);
  const skipSpace = (): void => { while (pos < input.length && isSpace(input[pos]!)) pos++; ignore(); };

  // lexText: scan to the next "{{", trimming preceding space when the delimiter is "{{- ".
  function lexText(): boolean {
    const x = input.indexOf(LEFT, pos);
    if (x < 0) {
      pos = input.length;
      if (pos > start) emit('text');
      emit('eof');
      return false;
    }
    const trimLeft = input[x + 2] === TRIM && x + 3 < input.length && isSpace(input[x + 3]!);
    let end = x;
    if (trimLeft) while (end > start && isSpace(input[end - 1]!)) end--;
    pos = end;
    if (pos > start) emit('text');
    pos = x + LEFT.length;
    const marker = trimLeft ? 2 : 0;
    if (input.startsWith('/*', pos + marker)) { pos += marker; ignore(); inComment = true; return lexComment(); }
    start = x;
    emit('leftDelim');
    pos += marker;
    ignore();
    parenDepth = 0;
    return true;
  }

  function lexComment(): boolean {
    const x = input.indexOf('*/', pos + 2);
    if (x < 0) { fail('unclosed comment'); return false; }
    pos = x + 2;
    const trimRight = atTrimRight();
    if (trimRight) pos += 2;
    if (!input.startsWith(RIGHT, pos)) { fail('comment ends before closing delimiter'); return false; }
    pos += RIGHT.length;
    ignore();
    if (trimRight) skipSpace();
    return true;
  }

  // lexInsideAction: one token per call.
  function lexInside(): 'action' | 'text' | 'stop' {
    const trimR = atTrimRight();
    if (trimR || input.startsWith(RIGHT, pos)) {
      if (parenDepth !== 0) { fail('unclosed left paren'); return 'stop'; }
      if (trimR) { pos += 2; ignore(); }
      pos += RIGHT.length;
      emit('rightDelim');
      if (trimR) skipSpace();
      return 'text';
    }
    const c = next();
    if (c === '') { fail('unclosed action'); return 'stop'; }
    if (isSpace(c)) { lexSpace(); return 'action'; }
    if (c === '=') { emit('assign'); return 'action'; }
    if (c === ':') { if (next() !== '=') { fail('expected :='); return 'stop'; } emit('declare'); return 'action'; }
    if (c === '|') { emit('pipe'); return 'action'; }
    if (c === '"') return lexQuoted('"', 'string', 'unterminated quoted string') ? 'action' : 'stop';
    if (c === "'") return lexQuoted("'", 'charConstant', 'unterminated character constant') ? 'action' : 'stop';
    if (c === '`') return lexRawQuote() ? 'action' : 'stop';
    if (c === '$') return lexVariableOrField('variable') ? 'action' : 'stop';
    if (c === '.') {
      if (pos < input.length && /[0-9]/.test(input[pos]!)) { pos--; return lexNumber() ? 'action' : 'stop'; }
      return lexVariableOrField('field') ? 'action' : 'stop';
    }
    if (c === '+' || c === '-' || /[0-9]/.test(c)) { pos--; return lexNumber() ? 'action' : 'stop'; }
    if (isAlnum(c)) { pos -= c.length; return lexIdentifier() ? 'action' : 'stop'; }
    if (c === '(') { emit('leftParen'); parenDepth++; return 'action'; }
    if (c === ')') {
      parenDepth--;
      if (parenDepth < 0) { fail(`unexpected right paren ${goRune(c)}`); return 'stop'; }
      emit('rightParen'); return 'action';
    }
    if (c === ',') { emit('comma'); return 'action'; }
    // go1.19 hands any other printable ASCII to the parser, which reports `unexpected "}" in operand`.
    if (c >= ' ' && c <= '~') { emit('char'); return 'action'; }
    fail(`bad character ${goRune(c)}`); return 'stop';
  }

  function lexSpace(): void {
    while (pos < input.length && isSpace(input[pos]!) && !atTrimRight()) pos++;
    emit('space');
  }

  function lexQuoted(q: string, type: ItemType, msg: string): boolean {
    for (;;) {
      let c = next();
      if (c === '\\') { c = next(); if (c !== '' && c !== '\n') continue; }
      if (c === '' || c === '\n') { fail(msg); return false; }
      if (c === q) break;
    }
    emit(type); return true;
  }

  function lexRawQuote(): boolean {
    const x = input.indexOf('`', pos);
    if (x < 0) { fail('unterminated raw quoted string'); return false; }
    pos = x + 1;
    emit('rawString'); return true;
  }

  function lexVariableOrField(type: 'variable' | 'field'): boolean {
    if (atTerminator()) { emit(type === 'field' ? 'dot' : 'variable'); return true; }
    while (pos < input.length && isAlnum(input[pos]!)) pos++;
    if (!atTerminator()) { fail(`bad character ${goRune(next())}`); return false; }
    emit(type); return true;
  }

  function lexIdentifier(): boolean {
    while (pos < input.length && isAlnum(input[pos]!)) pos++;
    const word = input.slice(start, pos);
    if (!atTerminator()) { fail(`bad character ${goRune(next())}`); return false; }
    if (KEYWORDS.has(word)) emit('keyword');
    else if (word === 'true' || word === 'false') emit('bool');
    else if (word === 'nil') emit('nil');
    else emit('identifier');
    return true;
  }

  function atTerminator(): boolean {
    const c = input[pos] ?? '';
    return c === '' || isSpace(c) || '.,|:()='.includes(c) || input.startsWith(RIGHT, pos);
  }

  function lexNumber(): boolean {
    const m = NUMBER.exec(input.slice(pos));
    pos += m ? m[0].length : 0;
    if (pos < input.length && isAlnum(input[pos]!)) {
      while (pos < input.length && isAlnum(input[pos]!)) pos++;
      fail(`bad number syntax: "${input.slice(start, pos)}"`); return false;
    }
    emit('number'); return true;
  }

  let mode: 'text' | 'action' = 'text';
  for (;;) {
    if (mode === 'text') {
      inComment = false;
      if (!lexText()) break;
      // After a comment the lexer is back in text, as Go's lexComment returns lexText.
      if (!inComment) mode = 'action';
      continue;
    }
    const r = lexInside();
    if (r === 'stop') break;
    mode = r;
  }
  return items;
}

const NUMBER = /^[+-]?(0[xX][0-9a-fA-F_]*(\.[0-9a-fA-F_]*)?([pP][+-]?[0-9_]+)?|0[bB][01_]+|0[oO][0-7_]+|([0-9_]*\.?[0-9_]*)([eE][+-]?[0-9_]+)?)i?/;

/** Maps a byte offset to its 1-based line number. */
export function lineIndex(input: string): (pos: number) => number {
  const nl: number[] = [];
  for (let i = input.indexOf('\n'); i >= 0; i = input.indexOf('\n', i + 1)) nl.push(i);
  return (pos) => {
    let lo = 0;
    let hi = nl.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (nl[mid]! < pos) lo = mid + 1; else hi = mid; }
    return lo + 1;
  };
}

/** Go's %#U: U+007D '}' */
export function goRune(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${c}'`;
}

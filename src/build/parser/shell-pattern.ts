// The ${VAR#pat} / ${VAR%pat} / ${VAR/pat/repl} pattern helpers of BuildKit's shell.Lex: a shell wildcard
// (`*`, `?`, backslash escapes; no bracket expressions) becomes a regular expression.
import { InvalidParameter } from '../../errors.js';

const REGEX_SPECIAL = new Set(['[', ']', '{', '}', '.', '+', '(', ')', '|', '^', '$']);

// convertShellPatternToRegex. `.` is written as [^\n] because Go's `.` excludes only "\n" while JS's also
// excludes "\r" and the Unicode line separators.
export function shellPatternToRegex(pattern: string, greedy: boolean, anchored: boolean): RegExp {
  const cps = Array.from(pattern);
  const any = '[^\\n]';
  let out = anchored ? '^' : '';
  for (let i = 0; i < cps.length; i++) {
    const tok = cps[i]!;
    if (tok === '*') { out += any + (greedy ? '*' : '*?'); continue; }
    if (tok === '?') { out += any; continue; }
    if (tok === '\\') {
      const peek = cps[i + 1];
      // `}` and `/` are escaped only to get past ${...}; the escape is not part of the pattern.
      if (peek === '}' || peek === '/') continue;
      i++;
      if (peek !== '*' && peek !== '?' && peek !== '\\') {
        throw new InvalidParameter(`invalid escape '\\${peek ?? ''}'`);
      }
      out += '\\' + peek;
      continue;
    }
    out += (REGEX_SPECIAL.has(tok) ? '\\' : '') + tok;
  }
  return new RegExp(out, 'u');
}

function patternError(word: string, err: unknown): InvalidParameter {
  const msg = err instanceof Error ? err.message : String(err);
  return new InvalidParameter(`invalid pattern (${word}) in substitution: ${msg}`, { cause: err });
}

export function compilePattern(word: string, greedy: boolean, anchored: boolean): RegExp {
  try {
    return shellPatternToRegex(word, greedy, anchored);
  } catch (err) {
    throw patternError(word, err);
  }
}

export function trimPrefix(word: string, value: string, greedy: boolean): string {
  const m = compilePattern(word, greedy, true).exec(value);
  return m ? value.slice(m.index + m[0].length) : value;
}

// Reverse a pattern keeping each escape before the character it escapes: a\*c -> c\*a.
export function reversePattern(pattern: string): string {
  const cps = Array.from(pattern);
  const out: string[] = new Array<string>(cps.length);
  const last = cps.length - 1;
  for (let i = 0; i <= last;) {
    const tok = cps[i]!;
    const outIdx = last - i;
    if (tok === '\\' && i !== last) {
      out[outIdx - 1] = tok;
      out[outIdx] = cps[i + 1]!;
      i += 2;
    } else {
      out[outIdx] = tok;
      i++;
    }
  }
  return out.join('');
}

export function reverseString(s: string): string {
  return Array.from(s).reverse().join('');
}

// Regular expressions cannot find the shortest rightmost match, so BuildKit reverses both pattern and value
// and trims a prefix instead.
export function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  return reverseString(trimPrefix(reversePattern(pattern), reverseString(value), greedy));
}

export function replacePattern(value: string, pattern: string, replacement: string, all: boolean): string {
  const re = compilePattern(pattern, true, false);
  if (all) return value.replace(new RegExp(re.source, 'gu'), () => replacement);
  const m = re.exec(value);
  return m ? value.slice(0, m.index) + replacement + value.slice(m.index + m[0].length) : value;
}

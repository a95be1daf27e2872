// Shared by the CLI (which leaves excluded files out of the context it sends) and the builder (which applies
// the same patterns to a context any client sent), hence a leaf module.
// .dockerignore with Docker's pattern rules (moby's fileutils.PatternMatcher as used by the legacy builder and
// the docker CLI): patterns are cleaned paths, a leading "/" is dropped, "!" re-includes, the last matching
// pattern wins, "**" matches any number of directories, and a pattern that matches a parent directory
// matches everything below it.
import { posix } from 'node:path';

interface Pattern { re: RegExp; exclusion: boolean; dirs: number; text: string }

/** The lines of a .dockerignore as Docker reads them: comments and blank lines dropped, paths cleaned. */
export function readIgnoreFile(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    let line = raw.replace(/\r$/, '');
    if (line.startsWith('#')) continue;
    line = line.trim();
    if (line === '') continue;
    let neg = false;
    if (line.startsWith('!')) { neg = true; line = line.slice(1).trim(); }
    if (line.length > 0) {
      line = posix.normalize(line);
      line = line.replace(/\/+$/, '') || '/';
      if (line !== '/' && line.startsWith('/')) line = line.slice(1);
      else if (line === '/') line = '.';
      if (line.startsWith('./')) line = line.slice(2);
    }
    out.push(neg ? `!${line}` : line);
  }
  return out;
}

function toRegex(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') i++;
        if (i + 1 >= pattern.length) re += '.*';
        else re += '(.*/)?';
      } else re += '[^/]*';
    } else if (ch === '?') re += '[^/]';
    else if (ch === '\\' && i + 1 < pattern.length) { i++; re += escapeRe(pattern[i]!); }
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else { let cls = pattern.slice(i + 1, end); if (cls.startsWith('^') || cls.startsWith('!')) cls = `^${cls.slice(1)}`; re += `[${cls}]`; i = end; }
    } else re += escapeRe(ch);
  }
  return new RegExp(`${re}$`, 's');
}

const escapeRe = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export class IgnoreMatcher {
  private readonly patterns: Pattern[];
  constructor(lines: readonly string[]) {
    this.patterns = lines.filter((l) => l !== '' && l !== '!').map((l) => {
      const exclusion = l.startsWith('!');
      const text = exclusion ? l.slice(1) : l;
      return { re: toRegex(text), exclusion, dirs: text.split('/').length, text };
    });
  }

  get empty(): boolean { return this.patterns.length === 0; }
  get hasExclusions(): boolean { return this.patterns.some((p) => p.exclusion); }

  /** Whether `rel` (slash-separated, relative to the context) is excluded. */
  matches(rel: string): boolean {
    let matched = false;
    const parentDirs = posix.dirname(rel).split('/');
    for (const p of this.patterns) {
      if (p.exclusion !== matched) continue;
      let m = p.re.test(rel);
      if (!m && posix.dirname(rel) !== '.' && p.dirs <= parentDirs.length) {
        m = p.re.test(parentDirs.slice(0, p.dirs).join('/'));
      }
      if (m) matched = !p.exclusion;
    }
    return matched;
  }
}

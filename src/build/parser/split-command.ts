// splitCommand/extractBuilderFlags of BuildKit's parser: keyword, then leading `--flag[=value]` words, then
// the rest of the line untouched.
import { isSpace, goSplit, trimSpace } from './go-strings.js';

// BuildKit's reWhitespace: note it has no "\n" (lines never contain one by now).
export const RE_WHITESPACE = /[\t\v\f\r ]+/;

export interface SplitLine {
  cmd: string;
  flags: string[];
  args: string;
}

export function splitCommand(line: string, escapeToken: string): SplitLine {
  const cmdline = goSplit(RE_WHITESPACE, trimSpace(line), 2);
  if (cmdline.length < 2) return { cmd: cmdline[0] ?? '', flags: [], args: '' };
  const { rest, flags } = extractBuilderFlags(cmdline[1]!, escapeToken);
  return { cmd: cmdline[0]!, flags, args: trimSpace(rest) };
}

interface FlagState {
  words: string[];
  word: string;
  blankOK: boolean;
}

function endWord(st: FlagState): void {
  if (st.blankOK || st.word.length > 0) st.words.push(st.word);
  st.word = '';
  st.blankOK = false;
}

// Words starting with `--` are flags; quotes group and are removed, the escape token escapes one character.
// A bare `--` ends the flags and is dropped. The first word not starting with `--` begins the arguments.
export function extractBuilderFlags(line: string, escapeToken: string): { rest: string; flags: string[] } {
  const cps = Array.from(line);
  const st: FlagState = { words: [], word: '', blankOK: false };
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let quote = '';
  const restAt = (i: number): string => cps.slice(i).join('');
  for (let pos = 0; pos <= cps.length; pos++) {
    let ch = cps[pos] ?? '';
    if (phase === 'spaces') {
      if (pos === cps.length) break;
      if (isSpace(ch)) continue;
      if (ch !== '-' || cps[pos + 1] !== '-') return { rest: restAt(pos), flags: st.words };
      phase = 'word';
    }
    if (pos === cps.length) {
      if (st.word !== '--') endWord(st);
      break;
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        if (st.word === '--') return { rest: restAt(pos), flags: st.words };
        phase = 'spaces';
        endWord(st);
        continue;
      }
      if (ch === "'" || ch === '"') { quote = ch; st.blankOK = true; phase = 'quote'; continue; }
      if (ch === escapeToken) {
        if (pos + 1 === cps.length) continue; // an escape token at the very end is dropped
        ch = cps[++pos]!;
      }
      st.word += ch;
      continue;
    }
    // In quotes: BuildKit lets the escape token escape here too, even inside single quotes.
    if (ch === quote) { phase = 'word'; continue; }
    if (ch === escapeToken) {
      if (pos + 1 === cps.length) { phase = 'word'; continue; }
      ch = cps[++pos]!;
    }
    st.word += ch;
  }
  return { rest: '', flags: st.words };
}

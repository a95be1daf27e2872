// Per-instruction argument parsers of BuildKit's parser (line_parsers.go), and the dispatch from keyword to
// parser. They shape the `next` chain only; validation of the arguments comes later (instructions.ts).
import { InvalidParameter } from '../../errors.js';
import { goQuote, goSplit, isSpace, trimLeftSpace } from './go-strings.js';
import { newNode, type Node } from './node.js';
import { RE_WHITESPACE, splitCommand } from './split-command.js';

interface Parsed {
  next?: Node;
  attrs?: Record<string, boolean>;
}
type LineParser = (rest: string, escapeToken: string) => Parsed;

/** A list of values as a `next` chain (undefined when empty). */
export function chain(values: readonly string[]): Node | undefined {
  let head: Node | undefined;
  for (let i = values.length - 1; i >= 0; i--) head = newNode(values[i], head);
  return head;
}

// parseWords: whitespace-separated words; quotes group a word but are KEPT, as is the escape token with the
// character it escapes (quotes are removed later by the shell lexer). A word of just "" survives as "\"\"".
export function parseWords(rest: string, escapeToken: string): string[] {
  const cps = Array.from(rest);
  const words: string[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let quote = '';
  let blankOK = false;
  let word = '';
  for (let pos = 0; pos <= cps.length; pos++) {
    let ch = cps[pos] ?? '';
    if (phase === 'spaces') {
      if (pos === cps.length) break;
      if (isSpace(ch)) continue;
      phase = 'word';
    }
    if (pos === cps.length) {
      if (blankOK || word.length > 0) words.push(word);
      break;
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        phase = 'spaces';
        if (blankOK || word.length > 0) words.push(word);
        word = '';
        blankOK = false;
        continue;
      }
      if (ch === "'" || ch === '"') { quote = ch; blankOK = true; phase = 'quote'; }
      if (ch === escapeToken) {
        if (pos + 1 === cps.length) continue; // an escape token at end of line is dropped
        word += ch;
        ch = cps[++pos]!;
      }
      word += ch;
      continue;
    }
    if (ch === quote) phase = 'word';
    // Inside single quotes the escape token is an ordinary character.
    if (ch === escapeToken && quote !== "'") {
      if (pos + 1 === cps.length) { phase = 'word'; continue; }
      word += ch;
      ch = cps[++pos]!;
    }
    word += ch;
  }
  return words;
}

function keyValue(key: string, value: string, sep: string): Node[] {
  return [newNode(key), newNode(value), newNode(sep)];
}

// ENV/LABEL: `name value...` (legacy: everything after the first blank is the value, separator "") when the
// first word has no "=", else one (name, value, "=") triple per word.
function parseNameVal(rest: string, key: string, escapeToken: string): Parsed {
  const words = parseWords(rest, escapeToken);
  if (words.length === 0) return {};
  if (!words[0]!.includes('=')) {
    const parts = goSplit(RE_WHITESPACE, rest, 2);
    if (parts.length < 2) throw new InvalidParameter(`${key} must have two arguments`);
    return { next: chain([parts[0]!, parts[1]!, '']) };
  }
  const values: string[] = [];
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq < 0) {
      throw new InvalidParameter(`Syntax error - can't find = in ${goQuote(word)}. Must be of the form: name=value`);
    }
    values.push(word.slice(0, eq), word.slice(eq + 1), '=');
  }
  return { next: chain(values) };
}

function parseStringsWhitespaceDelimited(rest: string): Parsed {
  if (rest === '') return {};
  return { next: chain(goSplit(RE_WHITESPACE, rest, -1)) };
}

function parseString(rest: string): Parsed {
  return rest === '' ? {} : { next: newNode(rest) };
}

const NOT_STRING_ARRAY = 'when using JSON array syntax, arrays must be comprised of strings only';
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

// parseJSON: null when the text is not a JSON array (the caller falls back to shell form); a hard error
// only for a valid array holding something other than strings.
function parseJSON(rest: string): Parsed | null {
  const text = trimLeftSpace(rest);
  if (!text.startsWith('[')) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed)) return null;
  const values: string[] = [];
  for (const item of parsed) {
    if (typeof item !== 'string') throw new InvalidParameter(NOT_STRING_ARRAY);
    // Go's decoder turns an unpaired \ud800 escape into U+FFFD.
    values.push(item.replace(LONE_SURROGATE, '\ufffd'));
  }
  return { next: chain(values), attrs: { json: true } };
}

function parseMaybeJSON(rest: string): Parsed {
  if (rest === '') return {};
  return parseJSON(rest) ?? { next: newNode(rest) };
}

function parseMaybeJSONToList(rest: string): Parsed {
  return parseJSON(rest) ?? parseStringsWhitespaceDelimited(rest);
}

// HEALTHCHECK: the first word (CMD, NONE, ...) then the rest parsed like CMD.
function parseHealthConfig(rest: string): Parsed {
  const cps = Array.from(rest);
  let sep = 0;
  while (sep < cps.length && !isSpace(cps[sep]!)) sep++;
  let next = sep;
  while (next < cps.length && isSpace(cps[next]!)) next++;
  if (sep === 0) return {};
  const cmd = parseMaybeJSON(cps.slice(next).join(''));
  return { next: newNode(cps.slice(0, sep).join(''), cmd.next), attrs: cmd.attrs };
}

// ONBUILD: the rest is itself an instruction, kept as the child of the single argument node.
function parseSubCommand(rest: string, escapeToken: string): Parsed {
  if (rest === '') return {};
  const wrapper = newNode();
  wrapper.children.push(newNodeFromLine(rest, escapeToken, []));
  return { next: wrapper };
}

// Unknown keywords: BuildKit's parseIgnore keeps one empty argument node.
const parseIgnore: LineParser = () => ({ next: newNode() });

const DISPATCH: Record<string, LineParser> = {
  add: parseMaybeJSONToList,
  arg: (rest, esc) => ({ next: chain(parseWords(rest, esc)) }),
  cmd: parseMaybeJSON,
  copy: parseMaybeJSONToList,
  entrypoint: parseMaybeJSON,
  env: (rest, esc) => parseNameVal(rest, 'ENV', esc),
  expose: parseStringsWhitespaceDelimited,
  from: parseStringsWhitespaceDelimited,
  healthcheck: parseHealthConfig,
  label: (rest, esc) => parseNameVal(rest, 'LABEL', esc),
  maintainer: parseString,
  onbuild: parseSubCommand,
  run: parseMaybeJSON,
  shell: parseMaybeJSON,
  stopsignal: parseString,
  user: parseString,
  volume: parseMaybeJSONToList,
  workdir: parseString,
};

/** Keywords the parser knows (lower case). */
export const KNOWN_INSTRUCTIONS: ReadonlySet<string> = new Set(Object.keys(DISPATCH));

// newNodeFromLine. An unknown keyword still parses, its arguments dropped; instructionsFromAst rejects it
// with "unknown instruction".
export function newNodeFromLine(line: string, escapeToken: string, comments: string[]): Node {
  const { cmd, flags, args } = splitCommand(line, escapeToken);
  const fn: LineParser = Object.hasOwn(DISPATCH, cmd.toLowerCase()) ? DISPATCH[cmd.toLowerCase()]! : parseIgnore;
  const parsed = fn(args, escapeToken);
  const node = newNode(cmd, parsed.next);
  node.original = line;
  node.flags = flags;
  node.attributes = parsed.attrs ?? {};
  node.prevComment = comments;
  return node;
}

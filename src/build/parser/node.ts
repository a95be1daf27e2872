// The parser's AST, shaped like BuildKit's parser.Node so that dumpAst() can reproduce Node.Dump() exactly.
// Lifecycle: parseDockerfile() builds a root whose children are one node per instruction; each instruction
// node's `next` chain holds its arguments; a node with `children` (ONBUILD's argument) wraps another
// instruction. Nodes are plain data: nothing mutates them after parsing.
import { goQuote, goQuoteList, trimSpace } from './go-strings.js';

export interface Heredoc {
  /** The delimiter word with quotes removed (`EOF` for `<<"EOF"`). */
  name: string;
  /** The file descriptor written before `<<` (`2<<EOF`), 0 when absent. */
  fileDescriptor: number;
  /** False when any part of the delimiter was quoted: the body is then taken literally. */
  expand: boolean;
  /** `<<-`: leading tabs are stripped from the body (and the terminator line). */
  chomp: boolean;
  /** Raw body, line endings included, terminator excluded. */
  content: string;
}

export interface Node {
  /** Instruction keyword as written (case kept), or an argument's text. */
  value: string;
  next?: Node;
  children: Node[];
  heredocs: Heredoc[];
  /** `json: true` when the arguments came from an exec-form (JSON array). */
  attributes: Record<string, boolean>;
  /** The whole logical line the node came from (continuations joined). */
  original: string;
  /** `--name[=value]` words before the arguments, verbatim. */
  flags: string[];
  /** 1-based first and last physical line of the instruction (heredoc bodies included). */
  startLine: number;
  endLine: number;
  /** Comment lines directly above the instruction, `#` and surrounding space removed. */
  prevComment: string[];
}

export function newNode(value = '', next?: Node): Node {
  return {
    value, next, children: [], heredocs: [], attributes: {}, original: '', flags: [],
    startLine: 0, endLine: 0, prevComment: [],
  };
}

/** The arguments of an instruction node as a list (the `next` chain). */
export function nodeValues(node: Node): string[] {
  const out: string[] = [];
  for (let n = node.next; n; n = n.next) out.push(n.value);
  return out;
}

// BuildKit's Node.Dump(): lower-cased keyword, %q flags, one "(...)\n" per child, then each argument quoted
// (or dumped recursively when it wraps an instruction), the whole thing TrimSpace'd.
export function dumpAst(node: Node): string {
  let str = node.value.toLowerCase();
  if (node.flags.length > 0) str += ' ' + goQuoteList(node.flags);
  for (const child of node.children) str += '(' + dumpAst(child) + ')\n';
  for (let n = node.next; n; n = n.next) {
    str += ' ' + (n.children.length > 0 ? dumpAst(n) : goQuote(n.value));
  }
  return trimSpace(str);
}

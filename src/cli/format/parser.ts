// Parser for Go text/template, after go1.19's text/template/parse/parse.go: the same tree shape (fields
// chained onto a FieldNode, positions of the chain) and the same error texts ("unexpected {{end}}",
// "missing value for if", `undefined variable "$y"`, `function "foo" not defined`).
import { lex, type Item, type ItemType } from './lexer.js';

export type Arg =
  | { kind: 'field'; pos: number; idents: string[] }
  | { kind: 'variable'; pos: number; idents: string[] }  // idents[0] is "$name"
  | { kind: 'chain'; pos: number; node: Arg; fields: string[] }
  | { kind: 'identifier'; pos: number; name: string }
  | { kind: 'dot'; pos: number }
  | { kind: 'nil'; pos: number }
  | { kind: 'bool'; pos: number; value: boolean }
  | { kind: 'number'; pos: number; text: string; value: number }
  | { kind: 'string'; pos: number; text: string; value: string }
  | { kind: 'pipe'; pos: number; pipe: Pipe };

export interface Command { pos: number; args: Arg[] }
export interface Pipe { pos: number; isAssign: boolean; decl: string[]; cmds: Command[] }

export type Node =
  | { kind: 'text'; pos: number; text: string }
  | { kind: 'action'; pos: number; pipe: Pipe }
  | { kind: 'if' | 'with' | 'range'; pos: number; pipe: Pipe; list: Node[]; elseList: Node[] | undefined }
  | { kind: 'break' | 'continue'; pos: number }
  | { kind: 'template'; pos: number; name: string };

export class TemplateParseError extends Error {}

interface Ctx { name: string; funcs: ReadonlySet<string> }

/** Parses template text into a node list; throws TemplateParseError with Go's message. */
export function parse(text: string, name: string, funcs: ReadonlySet<string>): Node[] {
  return new Parser(text, { name, funcs }).parseTop();
}

class Parser {
  private readonly items: Item[];
  private i = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  constructor(private readonly text: string, private readonly ctx: Ctx) { this.items = lex(text); }

  parseTop(): Node[] {
    const list: Node[] = [];
    while (this.peek().type !== 'eof') {
      const n = this.textOrAction();
      if (n.kind !== 'node') this.fail(`unexpected {{${n.kind}}}`, n.item);
      if (n.node) list.push(n.node);
    }
    return list;
  }

  private fail(msg: string, at?: Item): never {
    const item = at ?? this.items[Math.max(0, this.i - 1)]!;
    throw new TemplateParseError(`template: ${this.ctx.name}:${item.line}: ${msg}`);
  }

  private next(): Item {
    const it = this.items[this.i] ?? this.items[this.items.length - 1]!;
    if (this.i < this.items.length) this.i++;
    if (it.type === 'error') this.fail(it.val, it);
    return it;
  }
  private peek(): Item { const it = this.next(); this.i--; return it; }
  private nextNonSpace(): Item { let it = this.next(); while (it.type === 'space') it = this.next(); return it; }
  private peekNonSpace(): Item { const it = this.nextNonSpace(); this.i--; return it; }

  private unexpected(it: Item, context: string): never {
    if (it.type === 'error') this.fail(it.val, it);
    this.fail(`unexpected ${describe(it)} in ${context}`, it);
  }

  /** One text run or action; {{end}}/{{else}} are returned for the enclosing block to consume. */
  private textOrAction(): { kind: 'node'; node?: Node } | { kind: 'end' | 'else'; item: Item } {
    const it = this.next();
    if (it.type === 'text') return { kind: 'node', node: { kind: 'text', pos: it.pos, text: it.val } };
    if (it.type !== 'leftDelim') this.unexpected(it, 'input');
    const kw = this.peekNonSpace();
    if (kw.type === 'keyword') {
      this.nextNonSpace();
      switch (kw.val) {
        case 'end': this.expect('rightDelim', 'end'); return { kind: 'end', item: kw };
        case 'else': return { kind: 'else', item: kw };
        case 'if': case 'with': case 'range': return { kind: 'node', node: this.control(kw.val, kw) };
        case 'break': case 'continue': return { kind: 'node', node: this.breakContinue(kw) };
        case 'template': return { kind: 'node', node: this.templateCall(kw) };
        default: this.fail(`{{${kw.val}}} is not supported`, kw);
      }
    }
    const pipe = this.pipeline('command', 'rightDelim');
    return { kind: 'node', node: { kind: 'action', pos: kw.pos, pipe } };
  }

  private expect(type: ItemType, context: string): Item {
    const it = this.nextNonSpace();
    if (it.type !== type) this.unexpected(it, context);
    return it;
  }

  private breakContinue(kw: Item): Node {
    this.expect('rightDelim', `{{${kw.val}}}`);
    if (this.rangeDepth === 0) this.fail(`{{${kw.val}}} outside {{range}}`, kw);
    return { kind: kw.val as 'break' | 'continue', pos: kw.pos };
  }

  private templateCall(kw: Item): Node {
    const t = this.nextNonSpace();
    if (t.type !== 'string' && t.type !== 'rawString') this.unexpected(t, 'template clause');
    const name = unquote(t, (m) => this.fail(m, t));
    if (this.nextNonSpace().type !== 'rightDelim') this.fail('{{template}} with a pipeline is not supported', kw);
    return { kind: 'template', pos: t.pos, name };
  }

  private control(kind: 'if' | 'with' | 'range', kw: Item): Node {
    const saved = this.vars.length;
    const pipe = this.pipeline(kind, 'rightDelim');
    if (kind === 'range') this.rangeDepth++;
    const list: Node[] = [];
    let elseList: Node[] | undefined;
    for (;;) {
      if (this.peek().type === 'eof') this.fail('unexpected EOF', this.peek());
      const n = this.textOrAction();
      if (n.kind === 'node') { if (n.node) list.push(n.node); continue; }
      if (n.kind === 'end') break;
      elseList = this.elseBranch(kind);
      break;
    }
    if (kind === 'range') this.rangeDepth--;
    this.vars.length = saved;
    return { kind, pos: kw.pos, pipe, list, elseList };
  }

  /** After {{else}}: "else if"/"else with" nest a control node that shares our {{end}}. */
  private elseBranch(kind: string): Node[] {
    const nxt = this.peekNonSpace();
    if ((kind === 'if' || kind === 'with') && nxt.type === 'keyword' && nxt.val === kind) {
      this.nextNonSpace();
      return [this.control(kind, nxt)];
    }
    this.expect('rightDelim', 'else');
    const list: Node[] = [];
    for (;;) {
      if (this.peek().type === 'eof') this.fail('unexpected EOF', this.peek());
      const n = this.textOrAction();
      if (n.kind === 'node') { if (n.node) list.push(n.node); continue; }
      if (n.kind === 'else') this.fail('expected end; found {{else}}', n.item);
      return list;
    }
  }

  private pipeline(context: string, end: ItemType): Pipe {
    const first = this.peekNonSpace();
    const pipe: Pipe = { pos: first.pos, isAssign: false, decl: [], cmds: [] };
    this.declarations(pipe, context);
    for (;;) {
      const it = this.nextNonSpace();
      if (it.type === end) { this.checkPipeline(pipe, context, it); return pipe; }
      if (OPERAND_START.has(it.type)) { this.i--; pipe.cmds.push(this.command()); continue; }
      this.unexpected(it, context);
    }
  }

  private declarations(pipe: Pipe, context: string): void {
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== 'variable') return;
      const mark = this.i;
      this.nextNonSpace();
      const op = this.peekNonSpace();
      if (op.type === 'declare' || op.type === 'assign') {
        this.nextNonSpace();
        pipe.isAssign = op.type === 'assign';
        pipe.decl.push(v.val);
        if (op.type === 'declare') this.vars.push(v.val);
        else if (!this.vars.includes(v.val)) this.fail(`undefined variable "${v.val}"`, v);
        return;
      }
      if (op.type === 'comma') {
        this.nextNonSpace();
        pipe.decl.push(v.val);
        this.vars.push(v.val);
        const after = this.peekNonSpace();
        if (context === 'range' && pipe.decl.length < 2 && after.type === 'variable') continue;
        if (context === 'range') this.fail('range can only initialize variables', after);
        this.fail(`too many declarations in ${context}`, after);
      }
      this.i = mark;
      return;
    }
  }

  private checkPipeline(pipe: Pipe, context: string, at: Item): void {
    if (pipe.cmds.length === 0) this.fail(`missing value for ${context}`, at);
    pipe.cmds.slice(1).forEach((c, i) => {
      const k = c.args[0]!.kind;
      if (k === 'bool' || k === 'dot' || k === 'nil' || k === 'number' || k === 'string') {
        this.fail(`non executable command in pipeline stage ${i + 2}`, at);
      }
    });
  }

  private command(): Command {
    const cmd: Command = { pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const op = this.operand();
      if (op) cmd.args.push(op);
      const it = this.next();
      if (it.type === 'space') continue;
      if (it.type === 'rightDelim' || it.type === 'rightParen') { this.i--; break; }
      if (it.type === 'pipe') break;
      this.unexpected(it, 'operand');
    }
    if (cmd.args.length === 0) this.fail('empty command');
    return cmd;
  }

  private operand(): Arg | undefined {
    const node = this.term();
    if (!node || this.peek().type !== 'field') return node;
    const pos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().type === 'field') fields.push(this.next().val.slice(1));
    if (node.kind === 'field' || node.kind === 'variable') return { ...node, pos, idents: [...node.idents, ...fields] };
    if (['bool', 'string', 'number', 'nil', 'dot'].includes(node.kind)) this.fail(`unexpected . after term "${argString(node)}"`);
    return { kind: 'chain', pos, node, fields };
  }

  private term(): Arg | undefined {
    const it = this.nextNonSpace();
    switch (it.type) {
      case 'identifier':
        if (!this.ctx.funcs.has(it.val)) this.fail(`function "${it.val}" not defined`, it);
        return { kind: 'identifier', pos: it.pos, name: it.val };
      case 'dot': return { kind: 'dot', pos: it.pos };
      case 'nil': return { kind: 'nil', pos: it.pos };
      case 'variable':
        if (!this.vars.includes(it.val)) this.fail(`undefined variable "${it.val}"`, it);
        return { kind: 'variable', pos: it.pos, idents: [it.val] };
      case 'field': return { kind: 'field', pos: it.pos, idents: [it.val.slice(1)] };
      case 'bool': return { kind: 'bool', pos: it.pos, value: it.val === 'true' };
      case 'number': case 'charConstant': return this.number(it);
      case 'leftParen': {
        const pipe = this.pipeline('parenthesized pipeline', 'rightParen');
        return { kind: 'pipe', pos: it.pos, pipe };
      }
      case 'string': case 'rawString':
        return { kind: 'string', pos: it.pos, text: it.val, value: unquote(it, (m) => this.fail(m, it)) };
      default: this.i--; return undefined;
    }
  }

  private number(it: Item): Arg {
    let value: number;
    if (it.type === 'charConstant') value = unquote({ ...it, val: `"${it.val.slice(1, -1)}"` }, (m) => this.fail(m, it)).codePointAt(0) ?? 0;
    else value = parseGoNumber(it.val);
    if (Number.isNaN(value)) this.fail(`illegal number syntax: "${it.val}"`, it);
    return { kind: 'number', pos: it.pos, text: it.val, value };
  }
}

const OPERAND_START = new Set<ItemType>(['bool', 'charConstant', 'dot', 'field', 'identifier', 'number', 'nil', 'rawString', 'string', 'variable', 'leftParen']);

function parseGoNumber(text: string): number {
  const t = text.replace(/_/g, '');
  const neg = t.startsWith('-');
  const body = t.replace(/^[+-]/, '');
  let v: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(body)) v = parseInt(body.slice(2), 16);
  else if (/^0[bB][01]+$/.test(body)) v = parseInt(body.slice(2), 2);
  else if (/^0[oO]?[0-7]+$/.test(body)) v = parseInt(body.replace(/^0[oO]?/, ''), 8);
  else if (/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(body)) v = Number(body);
  else v = NaN;
  return neg ? -v : v;
}

/** Go's strconv.Unquote for "..." and `...` literals. */
function unquote(it: Item, fail: (m: string) => never): string {
  if (it.type === 'rawString') return it.val.slice(1, -1);
  try {
    const json = it.val.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1').replace(/\\U([0-9a-fA-F]{8})/g, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
      .replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b').replace(/\\'/g, "'").replace(/\\([0-7]{3})/g, (_m, o: string) => `\\u00${parseInt(o, 8).toString(16).padStart(2, '0')}`);
    return JSON.parse(json) as string;
  } catch {
    return fail(`invalid syntax`);
  }
}

/** Go's item String() used in "unexpected X in Y". */
function describe(it: Item): string {
  if (it.type === 'eof') return 'EOF';
  if (it.type === 'keyword') return `<${it.val}>`;
  if (it.type === 'rightDelim') return `"}}"`;
  const q = JSON.stringify(it.val);
  return it.val.length > 10 ? `${JSON.stringify(it.val.slice(0, 10))}...` : q;
}

/** Go's Node.String(), used in exec error context "at <...>". */
export function argString(a: Arg): string {
  switch (a.kind) {
    case 'field': return a.idents.map((i) => `.${i}`).join('');
    case 'variable': return a.idents.map((i, n) => (n === 0 ? i : `.${i}`)).join('');
    case 'chain': return `${a.node.kind === 'pipe' ? argString(a.node) : argString(a.node)}${a.fields.map((f) => `.${f}`).join('')}`;
    case 'identifier': return a.name;
    case 'dot': return '.';
    case 'nil': return 'nil';
    case 'bool': return String(a.value);
    case 'number': return a.text;
    case 'string': return a.text;
    case 'pipe': return `(${pipeString(a.pipe)})`;
  }
}

export function commandString(c: Command): string { return c.args.map(argString).join(' '); }

export function pipeString(p: Pipe): string {
  const decl = p.decl.length ? `${p.decl.join(', ')} ${p.isAssign ? '=' : ':='} ` : '';
  return decl + p.cmds.map(commandString).join(' | ');
}

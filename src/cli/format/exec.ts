// Evaluator for parsed templates, after go1.19's text/template/exec.go: fields, methods (functions on the
// data), variables, pipelines, if/with/range/break/continue, and Go's error texts with their location,
// e.g. `template: :1:2: executing "" at <.Foo>: can't evaluate field Foo in type *formatter.ContainerContext`.
import { CallError, type Func, type Param } from './funcs.js';
import { lineIndex } from './lexer.js';
import { argString, commandString, type Arg, type Command, type Node, type Pipe } from './parser.js';
import { formatValue, isTrue, kindOf, mapEntries, typeName } from './values.js';

export class TemplateExecError extends Error {}

const NO_FINAL = Symbol('noFinal');
type Final = unknown;
type At = { pos: number; text: string };

class Break {}
class Continue {}

export class Executor {
  private readonly vars: Array<{ name: string; value: unknown }> = [];
  private out = '';
  private at: At | undefined;
  private readonly lineAt: (pos: number) => number;

  /** missingKeyError: Option("missingkey=error"), a missing map key fails instead of giving "<no value>". */
  constructor(private readonly name: string, private readonly text: string, private readonly funcs: ReadonlyMap<string, Func>, private readonly missingKeyError = false) {
    this.lineAt = lineIndex(text);
  }

  run(nodes: Node[], data: unknown): string {
    this.vars.push({ name: '$', value: data });
    this.walkList(data, nodes);
    return this.out;
  }

  /** The partial output so far; docker prints it even when a header row fails half way. */
  partial(): string { return this.out; }

  private fail(msg: string): never {
    if (!this.at) throw new TemplateExecError(`template: ${this.name}: ${msg}`);
    const { pos, text } = this.at;
    const before = this.text.slice(0, pos);
    const col = pos - (before.lastIndexOf('\n') + 1);
    throw new TemplateExecError(`template: ${this.name}:${this.lineAt(pos)}:${col}: executing "${this.name}" at <${text}>: ${msg}`);
  }

  private setAt(pos: number, text: string): void { this.at = { pos, text }; }

  private walkList(dot: unknown, nodes: Node[]): void { for (const n of nodes) this.walk(dot, n); }

  private walk(dot: unknown, node: Node): void {
    switch (node.kind) {
      case 'text': this.out += node.text; return;
      case 'action': {
        const v = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.print(node, v);
        return;
      }
      case 'if': case 'with': return this.scoped(() => {
        const v = this.evalPipeline(dot, node.pipe);
        if (isTrue(v)) this.walkList(node.kind === 'with' ? v : dot, node.list);
        else if (node.elseList) this.walkList(dot, node.elseList);
      });
      case 'range': return this.scoped(() => this.walkRange(dot, node));
      case 'break': throw new Break();
      case 'continue': throw new Continue();
      case 'template': this.setAt(node.pos, `{{template "${node.name}"}}`); this.fail(`template "${node.name}" not defined`);
    }
  }

  private scoped(fn: () => void): void {
    const mark = this.vars.length;
    try { fn(); } finally { this.vars.length = mark; }
  }

  private print(node: { pos: number; pipe: Pipe }, v: unknown): void {
    if (typeof v === 'function') {
      this.setAt(node.pos, `{{${pipeText(node.pipe)}}}`);
      this.fail(`can't print {{${pipeText(node.pipe)}}} of type func()`);
    }
    this.out += formatValue(v);
  }

  private walkRange(dot: unknown, node: Extract<Node, { kind: 'if' | 'with' | 'range' }>): void {
    const v = this.evalPipeline(dot, node.pipe);
    const items = this.rangeItems(v, node);
    const decl = node.pipe.decl.length;
    for (const [key, elem] of items) {
      if (decl > 0) this.vars[this.vars.length - 1]!.value = elem;
      if (decl > 1) this.vars[this.vars.length - 2]!.value = key;
      const mark = this.vars.length;
      try {
        this.walkList(elem, node.list);
      } catch (e) {
        if (e instanceof Break) break;
        if (!(e instanceof Continue)) throw e;
      } finally { this.vars.length = mark; }
    }
    if (items.length === 0 && node.elseList) this.walkList(dot, node.elseList);
  }

  private rangeItems(v: unknown, node: { pos: number; pipe: Pipe }): Array<[unknown, unknown]> {
    switch (kindOf(v)) {
      case 'slice': return Array.from(v as ArrayLike<unknown>, (x, i) => [i, x] as [unknown, unknown]);
      case 'map': return mapEntries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      case 'invalid': case 'nil': return [];
      default:
        this.setAt(node.pos, `{{range ${pipeText(node.pipe)}}}`);
        return this.fail(`range can't iterate over ${formatValue(v)}`);
    }
  }

  private evalPipeline(dot: unknown, pipe: Pipe): unknown {
    let value: Final = NO_FINAL;
    for (const cmd of pipe.cmds) value = this.evalCommand(dot, cmd, value);
    for (const name of pipe.decl) {
      if (!pipe.isAssign) { this.vars.push({ name, value }); continue; }
      const slot = [...this.vars].reverse().find((x) => x.name === name);
      if (!slot) this.fail(`undefined variable: ${name}`);
      slot.value = value;
    }
    return value;
  }

  private evalCommand(dot: unknown, cmd: Command, final: Final): unknown {
    const first = cmd.args[0]!;
    switch (first.kind) {
      case 'field': return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain': return this.evalChain(dot, first, cmd.args, final);
      case 'identifier': return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe': this.notAFunction(cmd.args, final); return this.evalPipeline(dot, first.pipe);
      case 'variable': return this.evalVariable(dot, first, cmd.args, final);
      default: break;
    }
    this.setAt(first.pos, argString(first));
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case 'bool': return first.value;
      case 'dot': return dot;
      case 'nil': return this.fail('nil is not a command');
      case 'number': return first.value;
      case 'string': return first.value;
    }
  }

  private notAFunction(args: Arg[], final: Final): void {
    if (args.length > 1 || final !== NO_FINAL) this.fail(`can't give argument to non-function ${argString(args[0]!)}`);
  }

  private evalFieldNode(dot: unknown, field: Extract<Arg, { kind: 'field' }>, args: Arg[], final: Final): unknown {
    this.setAt(field.pos, argString(field));
    return this.evalFieldChain(dot, dot, field, field.idents, args, final);
  }

  private evalVariable(dot: unknown, v: Extract<Arg, { kind: 'variable' }>, args: Arg[], final: Final): unknown {
    this.setAt(v.pos, argString(v));
    const slot = [...this.vars].reverse().find((x) => x.name === v.idents[0]);
    if (!slot) this.fail(`undefined variable: ${v.idents[0]}`);
    if (v.idents.length === 1) { this.notAFunction(args, final); return slot.value; }
    return this.evalFieldChain(dot, slot.value, v, v.idents.slice(1), args, final);
  }

  private evalChain(dot: unknown, chain: Extract<Arg, { kind: 'chain' }>, args: Arg[], final: Final): unknown {
    this.setAt(chain.pos, argString(chain));
    if (chain.node.kind === 'nil') this.fail(`indirection through explicit nil in ${argString(chain)}`);
    const recv = this.evalArg(dot, 'any', chain.node);
    return this.evalFieldChain(dot, recv, chain, chain.fields, args, final);
  }

  private evalFieldChain(dot: unknown, recv: unknown, node: Arg, idents: string[], args: Arg[], final: Final): unknown {
    let r = recv;
    for (let i = 0; i < idents.length - 1; i++) r = this.evalField(dot, idents[i]!, node, [], NO_FINAL, r);
    return this.evalField(dot, idents[idents.length - 1]!, node, args, final, r);
  }

  private evalField(dot: unknown, name: string, node: Arg, args: Arg[], final: Final, recv: unknown): unknown {
    // Go: a missing (invalid) receiver yields no value (an error with missingkey=error); a nil one is an error.
    if (recv === undefined) {
      if (this.missingKeyError) this.fail(`nil data; no entry for key ${JSON.stringify(name)}`);
      return undefined;
    }
    if (recv === null) this.fail(`nil pointer evaluating interface {}.${name}`);
    const hasArgs = args.length > 1 || final !== NO_FINAL;
    const k = kindOf(recv);
    if (k === 'map' || k === 'struct') {
      const o = recv as Record<string, unknown>;
      const member = recv instanceof Map ? recv.get(name) : o[name];
      const own = recv instanceof Map ? recv.has(name) : Object.hasOwn(o, name) || (k === 'struct' && name in o && !(name in Object.prototype));
      if (own && typeof member === 'function') return this.evalCall(dot, (member as Function).bind(recv), node, name, undefined, args, final);
      if (k === 'map') {
        if (hasArgs) this.fail(`${name} is not a method but has arguments`);
        if (!own && this.missingKeyError) this.fail(`map has no entry for key ${JSON.stringify(name)}`);
        return own ? member : undefined;
      }
      if (own) {
        if (hasArgs) this.fail(`${name} has arguments but cannot be invoked as function`);
        return member;
      }
    }
    return this.fail(`can't evaluate field ${name} in type ${typeName(recv)}`);
  }

  private evalFunction(dot: unknown, ident: Extract<Arg, { kind: 'identifier' }>, cmd: Command, args: Arg[], final: Final): unknown {
    this.setAt(ident.pos, ident.name);
    const f = this.funcs.get(ident.name);
    if (!f) return this.fail(`"${ident.name}" is not a defined function`);
    if (ident.name === 'and' || ident.name === 'or') return this.evalAndOr(dot, ident.name, args, final);
    return this.evalCall(dot, f.fn, { kind: 'pipe', pos: cmd.pos, pipe: { pos: cmd.pos, isAssign: false, decl: [], cmds: [cmd] } }, ident.name, f, args, final);
  }

  /** Go 1.18+: and/or stop at the first falsy/truthy argument and return that argument itself. */
  private evalAndOr(dot: unknown, name: string, args: Arg[], final: Final): unknown {
    const n = args.length - 1 + (final === NO_FINAL ? 0 : 1);
    if (n < 1) this.fail(`wrong number of args for ${name}: want at least 1 got ${n}`);
    let v: unknown;
    for (let i = 1; i <= n; i++) {
      v = i < args.length ? this.evalArg(dot, 'any', args[i]!) : final;
      if (isTrue(v) === (name === 'or')) return v;
    }
    return v;
  }

  private evalCall(dot: unknown, fn: Function, node: Arg, name: string, sig: Func | undefined, args: Arg[], final: Final): unknown {
    const given = args.length - 1 + (final === NO_FINAL ? 0 : 1);
    if (sig) checkArity(sig, name, given, (m) => this.fail(m));
    const values: unknown[] = [];
    for (let i = 1; i < args.length; i++) values.push(this.evalArg(dot, paramAt(sig, i - 1), args[i]!));
    if (final !== NO_FINAL) values.push(this.validate(final, paramAt(sig, values.length)));
    try {
      return fn(...values);
    } catch (e) {
      this.setAt(node.pos, node.kind === 'pipe' ? commandString(node.pipe.cmds[0]!) : argString(node));
      if (e instanceof TemplateExecError) throw e;
      return this.fail(`error calling ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private evalArg(dot: unknown, type: Param, n: Arg): unknown {
    this.setAt(n.pos, argString(n));
    switch (n.kind) {
      case 'dot': return this.validate(dot, type);
      case 'nil': if (type === 'any' || type === 'strings') return null; return this.fail(`cannot assign nil to ${goParam(type)}`);
      case 'field': return this.validate(this.evalFieldNode(dot, n, [n], NO_FINAL), type);
      case 'variable': return this.validate(this.evalVariable(dot, n, [n], NO_FINAL), type);
      case 'pipe': return this.validate(this.evalPipeline(dot, n.pipe), type);
      case 'identifier': return this.validate(this.evalFunction(dot, n, { pos: n.pos, args: [n] }, [n], NO_FINAL), type);
      case 'chain': return this.validate(this.evalChain(dot, n, [], NO_FINAL), type);
      default: break;
    }
    const ok = type === 'any' || (type === 'string' && n.kind === 'string') || (type === 'bool' && n.kind === 'bool')
      || (type === 'int' && n.kind === 'number' && Number.isInteger(n.value) && !/[.eEpP]/.test(n.text.replace(/^0[xX].*/, '')));
    if (ok) return n.value;
    if (type === 'strings') return this.fail(`can't handle ${argString(n)} for arg of type []string`);
    return this.fail(`expected ${type === 'int' ? 'integer' : type}; found ${argString(n)}`);
  }

  private validate(v: unknown, type: Param): unknown {
    if (v === undefined) {
      if (type === 'any') return null;
      if (type === 'strings') return [];
      return this.fail(`invalid value; expected ${goParam(type)}`);
    }
    const k = kindOf(v);
    const ok = type === 'any' || (type === 'string' && k === 'string') || (type === 'int' && k === 'int') || (type === 'bool' && k === 'bool')
      || (type === 'strings' && (v === null || (Array.isArray(v) && v.every((x) => typeof x === 'string'))));
    if (!ok) this.fail(`wrong type for value; expected ${goParam(type)}; got ${typeName(v)}`);
    return type === 'strings' && v === null ? [] : v;
  }
}

function goParam(t: Param): string {
  return t === 'any' ? 'interface {}' : t === 'strings' ? '[]string' : t;
}

function paramAt(sig: Func | undefined, i: number): Param {
  if (!sig) return 'any';
  return sig.params[Math.min(i, sig.params.length - 1)] ?? 'any';
}

function checkArity(sig: Func, name: string, given: number, fail: (m: string) => never): void {
  const want = sig.params.length;
  if (sig.variadic) {
    if (given < want - 1) fail(`wrong number of args for ${name}: want at least ${want - 1} got ${given}`);
  } else if (given !== want) {
    fail(`wrong number of args for ${name}: want ${want} got ${given}`);
  }
}

function pipeText(p: Pipe): string { return p.cmds.map(commandString).join(' | '); }


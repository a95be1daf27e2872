// compileTemplate/renderTemplate: parse once, execute per value, as docker/cli's templates.Parse does.
import { Executor } from './exec.js';
import { FUNCS, HEADER_FUNCS, type Func } from './funcs.js';
import { parse, type Node } from './parser.js';

export { TemplateParseError } from './parser.js';
export { TemplateExecError } from './exec.js';

export interface Template {
  /** Renders data; throws TemplateExecError with Go's message. */
  execute(data: unknown): string;
  /** Renders with docker/cli's HeaderFunctions; on error returns the output made so far (docker ignores it). */
  executeHeader(data: unknown): string;
  /** Renders as Go's Execute into a writer: the output made before a failure is kept, with the error. */
  executePartial(data: unknown, opts?: { missingKeyError?: boolean }): { out: string; error?: Error };
}

/** Parses a Go template; throws TemplateParseError ("template: :1: unexpected EOF"). `name` is Go's template name. */
export function compileTemplate(text: string, name = ''): Template {
  const nodes: Node[] = parse(text, name, new Set(HEADER_FUNCS.keys()));
  const run = (data: unknown, funcs: ReadonlyMap<string, Func>) => new Executor(name, text, funcs).run(nodes, data);
  return {
    execute: (data) => run(data, FUNCS),
    executeHeader: (data) => {
      const ex = new Executor(name, text, HEADER_FUNCS);
      try { return ex.run(nodes, data); } catch { return ex.partial(); }
    },
    executePartial: (data, opts) => {
      const ex = new Executor(name, text, FUNCS, opts?.missingKeyError === true);
      try { return { out: ex.run(nodes, data) }; } catch (err) { return { out: ex.partial(), error: err as Error }; }
    },
  };
}

export function renderTemplate(text: string, data: unknown): string {
  return compileTemplate(text).execute(data);
}

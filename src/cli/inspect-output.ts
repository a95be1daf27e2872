// docker/cli's cli/command/inspect: IndentedInspector (a JSON array of the raw elements, json.Indent'ed
// with four spaces) or TemplateInspector (one rendered line per element).
import { compileTemplate, type Template } from './format/index.js';
import { StatusError, type Ctx } from './command.js';
import { goView } from './go-view.js';

/** Go's json.Indent(dst, src, "", indent): whitespace between tokens replaced, strings untouched. */
export function jsonIndent(src: string, indent = '    '): string {
  let out = '';
  let depth = 0;
  let needIndent = false;
  const newline = () => { out += `\n${indent.repeat(depth)}`; };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (needIndent && c !== ']' && c !== '}') { needIndent = false; depth++; newline(); }
    if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j;
      continue;
    }
    switch (c) {
      case '{': case '[': out += c; needIndent = true; break;
      case ',': out += c; newline(); break;
      case ':': out += ': '; break;
      case '}': case ']':
        if (needIndent) needIndent = false;
        else { depth--; newline(); }
        out += c;
        break;
      default: out += c;
    }
  }
  return out;
}

export interface InspectTarget { name: string; fetch(): Promise<string> }

/** Inspects each reference; prints the array or template lines; errors joined on stderr, exit 1. */
/**
 * `typed`: the Go type of what is inspected, and whether docker/cli has its raw JSON to fall back on (volume
 * inspect has not: a template error names types.Volume).
 */
export async function inspectAll(ctx: Ctx, format: string | undefined, refs: string[], fetch: (ref: string) => Promise<string>, typed: { typeName?: string; noRaw?: boolean } = {}): Promise<number> {
  let tmpl: Template | undefined;
  if (format) {
    try { tmpl = compileTemplate(format); } catch (err) { throw new StatusError(`template parsing error: ${(err as Error).message}`, 64); }
  }
  const raws: string[] = [];
  let lines = '';
  const errs: string[] = [];
  for (const ref of refs) {
    let raw: string;
    try { raw = await fetch(ref); } catch (err) { errs.push((err as Error).message); continue; }
    if (!tmpl) { raws.push(raw.trim()); continue; }
    // TemplateInspector: the typed value first, then the raw JSON with missingkey=error (tryRawInspectFallback).
    const parsed = JSON.parse(raw) as unknown;
    const first = tmpl.executePartial(goView(parsed, typed.typeName));
    if (!first.error) { lines += `${first.out}\n`; continue; }
    if (typed.noRaw) { errs.push(`template parsing error: ${first.error.message}`); continue; }
    const untyped = tmpl.executePartial(parsed, { missingKeyError: true });
    if (untyped.error) errs.push(`template parsing error: ${untyped.error.message}`);
    else lines += `${untyped.out}\n`;
  }
  if (tmpl) ctx.io.out(lines === '' ? '\n' : lines);
  else ctx.io.out(raws.length ? `${jsonIndent(`[${raws.join(',')}]`)}\n` : '[]\n');
  if (errs.length) throw new StatusError(errs.join('\n'), 1);
  return 0;
}

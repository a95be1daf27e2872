// The import rules of docs/architecture.md, checked with the TypeScript compiler API: each top-level folder
// imports only what src/deps.json allows (plus itself and errors.ts), only through the other folder's
// index.ts; node:child_process only in sys/exec.ts, koffi only in sys/native.ts; no cycles between folders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

// Compiled to dist/src/deps.test.js, so the sources are ../../src from here; fall back to the cwd (repo root).
const fromUrl = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
const SRC = existsSync(join(fromUrl, 'deps.json')) ? fromUrl : resolve(process.cwd(), 'src');
const ALLOWED = JSON.parse(readFileSync(join(SRC, 'deps.json'), 'utf8')) as Record<string, string[] | string>;

interface Import { file: string; spec: string }

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Static imports, re-exports, import() and require() with a literal specifier. */
function importsOf(file: string): Import[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: Import[] = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      out.push({ file, spec: n.moduleSpecifier.text });
    } else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference) && ts.isStringLiteral(n.moduleReference.expression)) {
      out.push({ file, spec: n.moduleReference.expression.text });
    } else if (ts.isCallExpression(n) && n.arguments.length === 1 && ts.isStringLiteralLike(n.arguments[0]!)) {
      const callee = n.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) {
        out.push({ file, spec: (n.arguments[0] as ts.StringLiteralLike).text });
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

const rel = (p: string): string => relative(SRC, p).split(sep).join('/');
const folderOf = (p: string): string | undefined => { const parts = rel(p).split('/'); return parts.length > 1 ? parts[0] : undefined; };

interface Scan { violations: string[]; edges: Map<string, Set<string>> }

function scan(): Scan {
  const violations: string[] = [];
  const edges = new Map<string, Set<string>>();
  for (const file of walk(SRC)) {
    const from = folderOf(file);
    for (const { spec } of importsOf(file)) {
      const where = `src/${rel(file)} imports '${spec}'`;
      if (spec === 'node:child_process' || spec === 'child_process') {
        if (rel(file) !== 'sys/exec.ts') violations.push(`${where}: only src/sys/exec.ts may spawn processes`);
        continue;
      }
      if (spec === 'koffi' || spec.startsWith('koffi/')) {
        if (rel(file) !== 'sys/native.ts') violations.push(`${where}: only src/sys/native.ts may use FFI`);
        continue;
      }
      if (!spec.startsWith('.') || from === undefined) continue;
      const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
      const to = folderOf(target);
      if (rel(target) === 'errors.ts' || to === from) continue;
      if (to === undefined) { violations.push(`${where}: only src/errors.ts may be imported from src/`); continue; }
      if (rel(target) !== `${to}/index.ts`) violations.push(`${where}: import another folder only through ${to}/index.js`);
      const allowed = ALLOWED[from];
      if (!Array.isArray(allowed)) violations.push(`${where}: folder '${from}' is missing from src/deps.json`);
      else if (!allowed.includes(to)) violations.push(`${where}: '${from}' may not import '${to}' (src/deps.json)`);
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  return { violations, edges };
}

/** Folder cycles as paths "a -> b -> a", found by depth-first search over the real import graph. */
export function findCycles(edges: Map<string, Set<string>>): string[] {
  const cycles: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): void => {
    state.set(n, 'visiting');
    stack.push(n);
    for (const m of edges.get(n) ?? []) {
      if (state.get(m) === 'visiting') cycles.push([...stack.slice(stack.indexOf(m)), m].join(' -> '));
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of edges.keys()) if (!state.has(n)) visit(n);
  return cycles;
}

test('the import scanner sees imports, re-exports, import() and require()', () => {
  const found = importsOf(join(SRC, 'sys', 'native.ts')).map((i) => i.spec);
  assert.ok(found.includes('koffi'), 'require("koffi") in sys/native.ts is found');
  assert.ok(found.includes('../errors.js'));
  assert.deepEqual(findCycles(new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])]])), ['a -> b -> c -> a']);
  assert.deepEqual(findCycles(new Map([['a', new Set(['b'])], ['b', new Set<string>()]])), []);
});

test('every import in src/ follows src/deps.json and the index-only rule', () => {
  const { violations } = scan();
  assert.deepEqual(violations, []);
});

test('no import cycles between folders', () => {
  assert.deepEqual(findCycles(scan().edges), []);
});

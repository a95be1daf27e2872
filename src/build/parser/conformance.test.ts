// BuildKit's own parser fixtures (../shared/ref/dockerfile-parser, copied from moby/buildkit
// frontend/dockerfile/parser/testfiles*): every positive case must dump exactly to its `result`, every
// negative case must be rejected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isInvalidParameter } from '../../errors.js';
import { dumpAst } from './node.js';
import { parseDockerfile } from './parser.js';

function findRepoRoot(start: string): string {
  for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  return start;
}

const here = dirname(fileURLToPath(import.meta.url));
const refDir = resolve(process.env.WHARF_SHARED_REF ?? resolve(findRepoRoot(here), '..', 'shared', 'ref'), 'dockerfile-parser');
const missing = existsSync(refDir) ? false : `${refDir} is absent (fresh clone without ../shared): parser conformance skipped`;

function cases(sub: string): string[] {
  const dir = join(refDir, sub);
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

test('conformance: positive BuildKit parser cases', { skip: missing }, async (t) => {
  const names = cases('testfiles');
  assert.ok(names.length > 0, 'no positive cases found');
  for (const name of names) {
    await t.test(name, () => {
      const dir = join(refDir, 'testfiles', name);
      const input = readFileSync(join(dir, 'Dockerfile'), 'utf8');
      const expected = readFileSync(join(dir, 'result'), 'utf8');
      const { ast } = parseDockerfile(input, { filename: 'Dockerfile' });
      assert.equal(dumpAst(ast) + '\n', expected);
    });
  }
});

test('conformance: negative BuildKit parser cases are rejected', { skip: missing }, async (t) => {
  const names = cases('testfiles-negative');
  assert.ok(names.length > 0, 'no negative cases found');
  for (const name of names) {
    await t.test(name, () => {
      const input = readFileSync(join(refDir, 'testfiles-negative', name, 'Dockerfile'), 'utf8');
      assert.throws(() => parseDockerfile(input), (err: unknown) => isInvalidParameter(err));
    });
  }
});

// Runs the compiled tests with node's built-in runner.
// Each test gets at most 5 minutes (--test-timeout), so a hang fails its test instead of the whole CI run.
//   node scripts/test.mjs            all tests (unit, then integration)
//   node scripts/test.mjs unit       unit tests only (src/**/*.test.js)
//   node scripts/test.mjs integration
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensureReferenceDocker } from './reference-docker.mjs';

function walk(dir, out = []) {
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const which = process.argv[2] ?? 'all';
const files = [];
if (which === 'all' || which === 'unit') files.push(...walk('dist/src'));
if (which === 'all' || which === 'integration') files.push(...walk('dist/test'));
const filter = process.argv[3];
const selected = filter ? files.filter((f) => f.includes(filter)) : files;
// The shared reference data (API spec, schemas, parser cases) sits beside the checkout; a clone made elsewhere
// finds it at the workplace's usual place.
if (!process.env.WHARF_SHARED_REF) {
  const found = ['../shared/ref', '/work/shared/ref'].find((p) => existsSync(p));
  if (found) process.env.WHARF_SHARED_REF = resolve(found);
}
// Comparison tests talk to the real dockerd; start it when it is installed but not running.
await ensureReferenceDocker();
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=4', '--test-timeout=300000', ...selected], { stdio: 'inherit' });
process.exit(r.status ?? 1);

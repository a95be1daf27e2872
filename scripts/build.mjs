// Compiles every .ts under src/ and test/ to dist/ (one file each, ESM) and bundles the two
// entry points so the CLI starts without resolving dozens of modules.
import { build } from 'esbuild';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir, out = []) {
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const common = { platform: 'node', target: 'node20', format: 'esm', sourcemap: 'inline', logLevel: 'warning' };
const results = await Promise.allSettled([
  build({ ...common, entryPoints: [...walk('src'), ...walk('test'), ...walk('bench')], outdir: 'dist', outbase: '.' }),
  ...['wharf', 'wharfd'].map((name) => build({
    ...common,
    entryPoints: { [name]: name === 'wharf' ? 'src/cli/main.ts' : 'src/daemon/main.ts' },
    outdir: 'dist/bin',
    bundle: true,
    // The CLI loads each command lazily: split so `wharf ps` parses only what ps needs.
    splitting: name === 'wharf',
    chunkNames: 'chunks/[name]-[hash]',
    packages: 'external',
    sourcemap: false,
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  })),
]);
const failed = results.filter((r) => r.status === 'rejected');
if (failed.length) process.exit(1);

// Compiles every .ts under src/ and test/ to dist/ (one file each, ESM) and bundles the two
// entry points so the CLI starts without resolving dozens of modules.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
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
// The CLI as one CommonJS file (what bin/wharf runs when there is no startup snapshot: no ESM loader to
// start) and as the snapshot builder's input, which must hold every package it may load (a snapshot's
// `require` only knows node's built-ins).
const buildId = randomBytes(8).toString('hex');
const cjs = {
  ...common, format: 'cjs', bundle: true, sourcemap: false, outdir: 'dist/bin',
  define: { 'import.meta.url': '__wharfImportMetaUrl', WHARF_BUILD_ID: JSON.stringify(buildId) },
  banner: { js: "const __wharfImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};
const results = await Promise.allSettled([
  build({ ...common, entryPoints: [...walk('src'), ...walk('test'), ...walk('bench')], outdir: 'dist', outbase: '.' }),
  build({ ...cjs, entryPoints: { wharf: 'src/cli/entry.ts' }, outExtension: { '.js': '.cjs' }, packages: 'external' }),
  build({ ...cjs, format: 'iife', entryPoints: { 'wharf-snapshot': 'src/cli/snapshot.ts' }, outExtension: { '.js': '.cjs' } }),
  ...['wharf', 'wharfd'].map((name) => build({
    ...common,
    entryPoints: { [name]: name === 'wharf' ? 'src/cli/entry.ts' : 'src/daemon/main.ts' },
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
buildSnapshot();

/**
 * dist/bin/wharf.blob: the CLI's V8 startup snapshot (src/cli/snapshot.ts), then wharf.blob.node, whose
 * mtime is the node binary's (bin/wharf uses the blob only while node's mtime still matches: a snapshot
 * loads only in the node that made it), then wharf.build-id, which says which build the blob is of.
 * Without a blob (or on failure) bin/wharf runs dist/bin/wharf.cjs: slower to start, same behaviour.
 */
function buildSnapshot() {
  const dir = 'dist/bin';
  const blob = join(dir, 'wharf.blob');
  for (const f of [blob, `${blob}.node`, join(dir, 'wharf.build-id')]) rmSync(f, { force: true });
  if (process.env.WHARF_NO_SNAPSHOT === '1') return;
  const tmp = `${blob}.tmp-${process.pid}`;
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.NODE_OPTIONS;
  const r = spawnSync(process.execPath, ['--snapshot-blob', tmp, '--build-snapshot', join(dir, 'wharf-snapshot.cjs')], { env, encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(tmp, { force: true });
    console.warn(`warning: no CLI startup snapshot (node --build-snapshot failed: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' ')}); bin/wharf runs dist/bin/wharf.cjs`);
    return;
  }
  renameSync(tmp, blob);
  const nodeMtime = statSync(process.execPath).mtime;
  writeFileSync(`${blob}.node`, `${process.execPath}\n`);
  utimesSync(`${blob}.node`, nodeMtime, nodeMtime);
  writeFileSync(join(dir, 'wharf.build-id'), `${buildId}\n`);
}

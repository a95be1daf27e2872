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
// The core snapshot (dist/bin/wharf-core.blob, for the commands run most: bin/wharf picks it by the command
// word) keeps only these commands' modules; the others become stubs, which src/cli/snapshot.ts hands to
// wharf.cjs. Keep in step with PRELOADED there (its build fails when one of them is stubbed) and bin/wharf.
const CORE_MODULES = new Set(['container/run', 'container/exec', 'container/start', 'container/ls', 'container/create', 'container/rm',
  'container/stop', 'container/kill', 'container/logs', 'container/wait', 'system/inspect', 'system/version']);
const coreOnly = {
  name: 'core-commands',
  setup(b) {
    b.onResolve({ filter: /^\.\/commands\/.*\.js$/ }, (a) => {
      if (!a.importer.endsWith(join('cli', 'registry.ts'))) return undefined;
      const mod = a.path.slice('./commands/'.length, -'.js'.length);
      return CORE_MODULES.has(mod) ? undefined : { path: mod, namespace: 'wharf-stub' };
    });
    b.onLoad({ filter: /.*/, namespace: 'wharf-stub' }, () => ({ contents: 'export default { stub: true };', loader: 'js' }));
  },
};
const snapshotBundle = (name, core) => build({
  ...cjs, format: 'iife', entryPoints: { [name]: 'src/cli/snapshot.ts' }, outExtension: { '.js': '.cjs' },
  define: { ...cjs.define, WHARF_CORE: String(core) }, plugins: core ? [coreOnly] : [],
});
const results = await Promise.allSettled([
  build({ ...common, entryPoints: [...walk('src'), ...walk('test'), ...walk('bench')], outdir: 'dist', outbase: '.' }),
  build({ ...cjs, entryPoints: { wharf: 'src/cli/entry.ts' }, outExtension: { '.js': '.cjs' }, packages: 'external' }),
  snapshotBundle('wharf-snapshot', false),
  snapshotBundle('wharf-core-snapshot', true),
  // layer-worker: the daemon's pull worker threads (src/registry/layer-job.ts finds it next to wharfd.js).
  ...['wharf', 'wharfd', 'layer-worker'].map((name) => build({
    ...common,
    entryPoints: { [name]: { wharf: 'src/cli/entry.ts', wharfd: 'src/daemon/main.ts', 'layer-worker': 'src/registry/layer-worker.ts' }[name] },
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
 * dist/bin/wharf.blob and wharf-core.blob: the CLI's V8 startup snapshots (src/cli/snapshot.ts; the core one
 * for the most used commands only), then wharf.blob.node, whose mtime is the node binary's (bin/wharf uses the
 * blobs only while node's mtime still matches: a snapshot loads only in the node that made it), then
 * wharf.build-id, which says which build the blobs are of. Without a blob (or on failure) bin/wharf runs
 * dist/bin/wharf.cjs: slower to start, same behaviour.
 */
function buildSnapshot() {
  const dir = 'dist/bin';
  const blobs = { 'wharf.blob': 'wharf-snapshot.cjs', 'wharf-core.blob': 'wharf-core-snapshot.cjs' };
  for (const f of [...Object.keys(blobs), 'wharf.blob.node', 'wharf.build-id']) rmSync(join(dir, f), { force: true });
  if (process.env.WHARF_NO_SNAPSHOT === '1') return;
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.NODE_OPTIONS;
  for (const [blobName, entry] of Object.entries(blobs)) {
    const blob = join(dir, blobName);
    const tmp = `${blob}.tmp-${process.pid}`;
    const r = spawnSync(process.execPath, ['--snapshot-blob', tmp, '--build-snapshot', join(dir, entry)], { env, encoding: 'utf8' });
    if (r.status !== 0) {
      rmSync(tmp, { force: true });
      console.warn(`warning: no CLI startup snapshot ${blobName} (node --build-snapshot failed: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' ')}); bin/wharf runs ${blobName === 'wharf.blob' ? 'dist/bin/wharf.cjs' : 'wharf.blob'}`);
      if (blobName === 'wharf.blob') return;
      continue;
    }
    renameSync(tmp, blob);
  }
  const nodeMtime = statSync(process.execPath).mtime;
  writeFileSync(join(dir, 'wharf.blob.node'), `${process.execPath}\n`);
  utimesSync(join(dir, 'wharf.blob.node'), nodeMtime, nodeMtime);
  writeFileSync(join(dir, 'wharf.build-id'), `${buildId}\n`);
}

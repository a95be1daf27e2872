// The CLI's entry for a V8 startup snapshot (dist/bin/wharf.blob, built by scripts/build.mjs with
// `node --snapshot-blob wharf.blob --build-snapshot wharf-snapshot.cjs`). At build time this evaluates the
// whole CLI bundle, and the modules of the commands where start-up time shows (run, exec, start, ps...),
// so a process started with `node --snapshot-blob dist/bin/wharf.blob -- ARGS` (what bin/wharf does) begins
// with them compiled and initialised instead of reading, compiling and evaluating them.
//
// A snapshot is only good for the build it came from: the build writes a random id into this bundle and,
// once the blob is complete, into dist/bin/wharf.build-id. When they differ (the bundle was rebuilt and the
// blob was not), the process runs the plain CommonJS bundle beside the blob instead. bin/wharf itself falls
// back to that bundle when there is no blob or when it was made by another node binary.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { startupSnapshot } from 'node:v8';
import { entryFor, runCli } from './main.js';
import { TOP, lookupVerb } from './registry.js';

declare const WHARF_BUILD_ID: string;
/**
 * True in the core snapshot (dist/bin/wharf-core.blob): its bundle has only the PRELOADED commands' modules,
 * the others are stubs (scripts/build.mjs), which makes the blob ~1.4 MB smaller and its start ~5 ms of CPU
 * cheaper. bin/wharf starts it for those commands; any other command it is given goes to wharf.cjs.
 */
declare const WHARF_CORE: boolean;

/** Commands whose modules are loaded into the snapshot: the ones run often and in loops. */
export const PRELOADED = ['run', 'exec', 'start', 'ps', 'create', 'rm', 'stop', 'kill', 'inspect', 'logs', 'wait', 'version'];

function preload(): void {
  for (const name of PRELOADED) {
    const top = TOP[name];
    const entry = Array.isArray(top) ? lookupVerb(top[0], top[1]) : top;
    if (!entry) throw new Error(`snapshot: no command ${name}`);
    void entry.load().then((m) => {
      if (isStub(m.default)) throw new Error(`snapshot: command ${name} is left out of the core bundle (scripts/build.mjs CORE_COMMANDS)`);
    });
  }
}

const isStub = (cmd: unknown): boolean => (cmd as { stub?: boolean }).stub === true;

/** Runs the plain CommonJS bundle beside the blob in this process (it reads its arguments from argv[2] on). */
function runBundle(binDir: string): void {
  const bundle = join(binDir, 'wharf.cjs');
  process.argv.splice(1, 0, bundle);
  createRequire(bundle)(bundle);
}

/** What bin/wharf runs: the snapshot's command line, or the CommonJS bundle when the snapshot is stale. */
function main(): void {
  const i = process.execArgv.indexOf('--snapshot-blob');
  const binDir = dirname(resolve(i >= 0 ? process.execArgv[i + 1]! : '.'));
  let current = '';
  try { current = readFileSync(join(binDir, 'wharf.build-id'), 'utf8').trim(); } catch { /* no id: stale */ }
  if (current !== WHARF_BUILD_ID) { runBundle(binDir); return; }
  const argv = process.argv.slice(1);
  const entry = WHARF_CORE ? entryFor(argv) : undefined;
  if (!entry) { runCli(argv, binDir); return; }
  void entry.load().then((m) => (isStub(m.default) ? runBundle(binDir) : runCli(argv, binDir)));
}

if (startupSnapshot.isBuildingSnapshot()) {
  preload();
  startupSnapshot.setDeserializeMainFunction(main);
}

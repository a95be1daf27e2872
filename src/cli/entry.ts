// The CLI's entry for the plain bundles (dist/bin/wharf.js as ESM, dist/bin/wharf.cjs as one CommonJS
// file): run the command line this process was given.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './main.js';

runCli(process.argv.slice(2), dirname(fileURLToPath(import.meta.url)));

// CLI start-up: median wall time of `wharf -v` (no daemon involved) for each way the CLI can start, beside
// bare node, interleaved so machine load hits every variant alike.
//   npm run build && node dist/bench/cli-startup.js        (RUNS=N to change the sample size)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { median, RUNS } from './timing.js';

const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;

const variants: Array<[string, string[]]> = [
  ['node -e 0 (bare node)', [process.execPath, '-e', '0']],
  ['ESM chunks (dist/bin/wharf.js)', [process.execPath, 'dist/bin/wharf.js', '-v']],
  ['one CommonJS file (wharf.cjs)', [process.execPath, 'dist/bin/wharf.cjs', '-v']],
  ['bin/wharf (startup snapshot)', ['bin/wharf', '-v']],
];

function time(argv: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

if (!existsSync('dist/bin/wharf.blob')) console.log('note: no dist/bin/wharf.blob, bin/wharf runs wharf.cjs');
const samples = variants.map(() => [] as number[]);
for (let i = 0; i <= RUNS; i++) {
  variants.forEach(([, argv], j) => { const ms = time(argv); if (i > 0) samples[j]!.push(ms); });
}
const bare = median(samples[0]!);
variants.forEach(([label], j) => {
  const m = median(samples[j]!);
  console.log(`${label.padEnd(34)} median ${m.toFixed(1).padStart(6)} ms  (+${(m - bare).toFixed(1)} over bare node, n=${RUNS})`);
});

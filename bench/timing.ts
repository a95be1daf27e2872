// What the latency benchmarks share: time one command, take medians, print a labelled line.
import { spawnSync } from 'node:child_process';

export const RUNS = Number(process.env.RUNS ?? 15);

/** Wall-clock milliseconds of one run of argv; throws with its stderr when it fails. */
export function time(argv: string[], env: NodeJS.ProcessEnv): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  return ms;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** One warm-up run (page cache, first mount), then RUNS timed ones; prints and returns the median. */
export function measure(label: string, argv: string[], env: NodeJS.ProcessEnv, width = 30): number {
  time(argv, env);
  const samples = Array.from({ length: RUNS }, () => time(argv, env));
  const m = median(samples);
  console.log(`${label.padEnd(width)} median ${m.toFixed(1).padStart(7)} ms  (min ${Math.min(...samples).toFixed(1)}, max ${Math.max(...samples).toFixed(1)}, n=${RUNS})`);
  return m;
}

// What the latency benchmarks share: time one command, take medians, print a labelled line.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';

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

export interface Column { label: string; argv: string[]; env: NodeJS.ProcessEnv }

/**
 * Like measure() for several commands at once, run by run in turn (one warm-up each first), so a machine
 * whose load changes during the run weighs on every column alike; prints each median and the load average.
 */
export function measureInterleaved(cols: Column[], width = 30): number[] {
  const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
  const startLoad = load();
  cols.forEach((c) => time(c.argv, c.env));
  const samples = cols.map(() => [] as number[]);
  for (let i = 0; i < RUNS; i++) cols.forEach((c, j) => samples[j]!.push(time(c.argv, c.env)));
  const meds = samples.map(median);
  cols.forEach((c, j) => console.log(`${c.label.padEnd(width)} median ${meds[j]!.toFixed(1).padStart(7)} ms  (min ${Math.min(...samples[j]!).toFixed(1)}, max ${Math.max(...samples[j]!).toFixed(1)}, n=${RUNS})`));
  console.log(`load average: ${startLoad} at the start, ${load()} at the end (interleaved run by run)`);
  return meds;
}

// Health checks (HEALTHCHECK / --health-*), after dockerd 20.10's daemon/health.go.
//
// Lifecycle: a container with a probe gets State.Health {Status "starting"} when it starts; every Interval
// (first probe one interval after start) the test runs as an exec in the container. Exit 0 -> "healthy",
// FailingStreak 0. Anything else (a timeout counts as exit -1) adds to FailingStreak, except while still
// "starting" inside StartPeriod; reaching Retries -> "unhealthy". Each change of status is an event
// "health_status: <status>". The last 5 results are kept in Log. When the container stops, the monitor
// stops and the status becomes "unhealthy" (dockerd's CloseMonitorChannel). After a daemon restart the
// monitor of a running container resumes with the status it had.
import { randomBytes } from 'node:crypto';
import { warn } from '../sys/index.js';
import type { ContainerManager } from './manager.js';
import { execEventText } from './exec.js';
import type { ExecRunner } from './ports.js';
import type { ContainerRecord, HealthState } from './types.js';

/** The API's HealthConfig; durations in nanoseconds, 0 = default. */
export interface HealthConfig { Test?: string[] | null; Interval?: number; Timeout?: number; StartPeriod?: number; Retries?: number }

const SECOND_NS = 1_000_000_000;
export const DEFAULT_INTERVAL_NS = 30 * SECOND_NS;
export const DEFAULT_TIMEOUT_NS = 30 * SECOND_NS;
export const DEFAULT_RETRIES = 3;
const MAX_LOG_ENTRIES = 5;
const MAX_OUTPUT = 4096;

/** The probe's argv, or undefined when there is none (no test, NONE, or an unknown test type). */
export function probeArgs(hc: HealthConfig | undefined, shell: string[] | null | undefined): string[] | undefined {
  const test = hc?.Test ?? [];
  if (!test.length) return undefined;
  if (test[0] === 'CMD') return test.length > 1 ? test.slice(1) : undefined;
  if (test[0] === 'CMD-SHELL') return [...(shell?.length ? shell : ['/bin/sh', '-c']), ...test.slice(1)];
  return undefined;
}

/** Go's time.Duration String() for whole nanoseconds ("1s", "500ms", "1m30s", "1.5s"). */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  if (ns < 1000) return `${ns}ns`;
  if (ns < 1_000_000) return `${trim(ns / 1000)}µs`;
  if (ns < SECOND_NS) return `${trim(ns / 1_000_000)}ms`;
  let s = ns / SECOND_NS;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${trim(s)}s`;
}
const trim = (n: number): string => String(Number(n.toFixed(9)));

/** RFC 3339 with nanoseconds, trailing zeros trimmed (Go's RFC3339Nano, as dockerd prints Health.Log). */
function rfc3339Nano(ms: number, ns: bigint): string {
  const frac = String(ns % 1_000_000_000n).padStart(9, '0').replace(/0+$/, '');
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, frac ? `.${frac}Z` : 'Z');
}
function now(): { ms: number; text: string } {
  const ms = Date.now();
  const ns = BigInt(ms) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
  return { ms, text: rfc3339Nano(ms, ns) };
}

/** handleProbeResult: the new health state after one probe result. */
export function applyResult(h: HealthState, result: HealthState['Log'][number], retries: number, inStartPeriod: boolean): HealthState {
  const log = [...h.Log, result].slice(-MAX_LOG_ENTRIES);
  if (result.ExitCode === 0) return { Status: 'healthy', FailingStreak: 0, Log: log };
  if (h.Status === 'starting' && inStartPeriod) return { ...h, Log: log };
  const streak = h.FailingStreak + 1;
  return { Status: streak >= (retries > 0 ? retries : DEFAULT_RETRIES) ? 'unhealthy' : h.Status, FailingStreak: streak, Log: log };
}

export class HealthMonitor {
  private readonly monitors = new Map<string, { timer?: NodeJS.Timeout; stopped: boolean }>();

  constructor(private readonly m: ContainerManager, private readonly runner: ExecRunner) {}

  /** On start (fresh: status back to "starting", streak 0) or, after a daemon restart, resuming. */
  start(rec: ContainerRecord, fresh: boolean): void {
    this.cancel(rec.Id);
    const hc = rec.Config.Healthcheck as HealthConfig | undefined;
    const args = probeArgs(hc, rec.Config.Shell as string[] | null | undefined);
    if (!hc || !args) return;
    if (fresh || !rec.State.Health) rec.State.Health = { Status: 'starting', FailingStreak: 0, Log: rec.State.Health?.Log ?? [] };
    const mon = { timer: undefined as NodeJS.Timeout | undefined, stopped: false };
    this.monitors.set(rec.Id, mon);
    const intervalMs = (hc.Interval || DEFAULT_INTERVAL_NS) / 1e6;
    const schedule = () => {
      if (mon.stopped) return;
      mon.timer = setTimeout(() => {
        void this.probe(rec, hc, args, mon).catch((err) => warn('health', `${rec.Id}: ${(err as Error).message}`)).finally(schedule);
      }, intervalMs);
    };
    schedule();
  }

  /** The container stopped or is being removed: no more probes, and its health reads "unhealthy". */
  stop(rec: ContainerRecord): void {
    const had = this.cancel(rec.Id);
    if (had && rec.State.Health) rec.State.Health = { ...rec.State.Health, Status: 'unhealthy' };
  }

  private cancel(id: string): boolean {
    const mon = this.monitors.get(id);
    if (!mon) return false;
    mon.stopped = true;
    clearTimeout(mon.timer);
    this.monitors.delete(id);
    return true;
  }

  /** Daemon shutdown: timers go, containers and their recorded health stay. */
  close(): void { for (const id of [...this.monitors.keys()]) this.cancel(id); }

  private async probe(rec: ContainerRecord, hc: HealthConfig, args: string[], mon: { stopped: boolean }): Promise<void> {
    if (rec.State.Status === 'paused') return;
    const timeoutNs = hc.Timeout || DEFAULT_TIMEOUT_NS;
    const start = now();
    const execID = randomBytes(32).toString('hex');
    const cmd = execEventText(args);
    this.m.emit(rec, `exec_create: ${cmd}`, { execID });
    const result = await this.runProbe(rec, args, timeoutNs, () => this.m.emit(rec, `exec_start: ${cmd}`, { execID }));
    if (result.exitCode !== undefined) this.m.emit(rec, 'exec_die', { execID, exitCode: String(result.exitCode) });
    if (mon.stopped || !rec.State.Health) return; // stopped meanwhile: dockerd drops the result
    const entry = { Start: start.text, End: now().text, ExitCode: result.exitCode ?? -1, Output: result.output };
    const inStartPeriod = start.ms - Date.parse(rec.State.StartedAt) < (hc.StartPeriod ?? 0) / 1e6;
    const before = rec.State.Health.Status;
    rec.State.Health = applyResult(rec.State.Health, entry, hc.Retries ?? 0, inStartPeriod);
    await this.m.store.save(rec);
    if (rec.State.Health.Status !== before) this.m.emit(rec, `health_status: ${rec.State.Health.Status}`);
  }

  /** Runs the probe; a timeout reports dockerd's message (exit -1) and sends the probe SIGTERM. */
  private async runProbe(rec: ContainerRecord, args: string[], timeoutNs: number, started: () => void): Promise<{ exitCode?: number; output: string }> {
    let proc;
    try {
      proc = await this.runner.exec(rec.Id, { args, user: rec.Config.User, cwd: rec.Config.WorkingDir });
    } catch (err) {
      return { output: (err as Error).message };
    }
    started();
    const out: Buffer[] = [];
    let size = 0;
    let truncated = false;
    const collect = (b: Buffer) => {
      const keep = Math.min(MAX_OUTPUT - size, b.length);
      if (keep > 0) { out.push(b.subarray(0, keep)); size += keep; }
      if (keep < b.length) truncated = true;
    };
    proc.stdout.on('data', collect);
    proc.stderr.on('data', collect);
    proc.stdin.end();
    const ended = Promise.all([proc.stdout, proc.stderr].map((s) => new Promise((r) => { s.once('end', r); s.once('close', r); })));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), timeoutNs / 1e6); });
    const code = await Promise.race([proc.exit, timedOut]);
    clearTimeout(timer);
    if (code === 'timeout') {
      void proc.pid.then((pid) => { if (pid) try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ } });
      return { output: `Health check exceeded timeout (${goDuration(timeoutNs)})` };
    }
    const failure = await proc.startError;
    await ended;
    if (failure) return { output: failure };
    return { exitCode: code, output: Buffer.concat(out).toString('utf8') + (truncated ? '...' : '') };
  }
}

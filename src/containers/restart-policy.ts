// Restart policies (`--restart no|on-failure[:N]|always|unless-stopped`) with Docker 20.10's back-off.
//
// Lifecycle of a RestartManager (one per container, in memory, like moby's restartmanager): created on the
// container's first exit after a (manual) start -> shouldRestart() on each exit decides and arms a timer
// ("restarting") -> wait() resolves true when the timer fires (the container is started again) or false
// when cancel() came first (docker stop/kill/rm: the container becomes "exited"). A manual `start` and a
// daemon start throw the manager away, so the back-off and the on-failure retry count begin again.
//
// Back-off: 100 ms, doubled on each restart, capped at 1 minute, and back to 100 ms when the container had
// run for at least 10 seconds before it exited.

export interface RestartPolicy { Name: string; MaximumRetryCount: number }

export const BACKOFF_START_MS = 100;
export const BACKOFF_MAX_MS = 60_000;
/** A run at least this long resets the back-off. */
export const BACKOFF_RESET_AFTER_MS = 10_000;

/**
 * The policy's verdict on one exit (moby's ShouldRestart switch): `always` restarts whatever happened,
 * `unless-stopped` unless the user stopped it, `on-failure` on a non-zero exit while retries remain
 * (MaximumRetryCount 0 = no limit).
 */
export function policyWantsRestart(policy: RestartPolicy, exitCode: number, manuallyStopped: boolean, retries: number): boolean {
  switch (policy.Name) {
    case 'always': return true;
    case 'unless-stopped': return !manuallyStopped;
    case 'on-failure': {
      const max = policy.MaximumRetryCount;
      return (max === 0 || retries < max) && exitCode !== 0;
    }
    default: return false;
  }
}

/** The next back-off delay after one that was `previousMs` (0: none yet) and a run of `runMs`. */
export function nextBackoff(previousMs: number, runMs: number): number {
  const prev = runMs >= BACKOFF_RESET_AFTER_MS ? 0 : previousMs;
  if (prev === 0) return BACKOFF_START_MS;
  return Math.min(prev * 2, BACKOFF_MAX_MS);
}

export class RestartManager {
  private delayMs = 0;
  /** Restarts this manager has made (on-failure's retry count; the record's RestartCount is separate). */
  private retries = 0;
  private canceled = false;
  private pending: { timer: NodeJS.Timeout; resolve: (go: boolean) => void } | undefined;

  constructor(public policy: RestartPolicy) {}

  get isCanceled(): boolean { return this.canceled; }
  get isWaiting(): boolean { return this.pending !== undefined; }
  get currentDelayMs(): number { return this.delayMs; }

  /**
   * Decides on an exit. When it says restart, the caller marks the container "restarting" and awaits
   * wait(); the delay is already computed.
   */
  shouldRestart(exitCode: number, manuallyStopped: boolean, runMs: number): boolean {
    if (this.policy.Name === 'no' || this.policy.Name === '' || this.canceled || this.pending) return false;
    this.delayMs = nextBackoff(this.delayMs, runMs);
    if (!policyWantsRestart(this.policy, exitCode, manuallyStopped, this.retries)) return false;
    this.retries++;
    return true;
  }

  /** Resolves true after the back-off delay, false if cancel() is called first. */
  wait(): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.canceled) { resolve(false); return; }
      const timer = setTimeout(() => { this.pending = undefined; resolve(true); }, this.delayMs);
      this.pending = { timer, resolve };
    });
  }

  /** docker stop/kill/rm (moby's ExitOnNext): no more restarts from this manager. */
  cancel(): void {
    this.canceled = true;
    const p = this.pending;
    this.pending = undefined;
    if (p) { clearTimeout(p.timer); p.resolve(false); }
  }
}

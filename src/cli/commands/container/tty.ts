// The local terminal side of `run -t`, `attach` and `exec -t`, after docker/cli's hijack.go and tty.go:
// raw mode on stdin while a TTY attachment with stdin runs (restored however the command ends), the
// initial size sent right after start with a few retries (the process may not have its terminal yet), and
// every SIGWINCH forwarded as a resize.
import type { Ctx } from '../../command.js';

export type Resize = (height: number, width: number) => Promise<void>;

/** Raw mode for the duration of a TTY attachment; returns the restore function (safe to call twice). */
export function rawTerminal(ctx: Ctx): () => void {
  const set = ctx.io.setRawMode;
  if (!set) return () => undefined;
  set(true);
  let restored = false;
  return () => { if (!restored) { restored = true; set(false); } };
}

async function resizeTo(ctx: Ctx, resize: Resize, bump = 0): Promise<boolean> {
  const size = ctx.io.ttySize?.();
  if (!size || size.height === 0 || size.width === 0) return true;
  try { await resize(size.height + bump, size.width + bump); return true; } catch { return false; }
}

/** docker's MonitorTtySize: initial size (retried up to 5 times), then each SIGWINCH. Returns the stop function. */
export function monitorTtySize(ctx: Ctx, resize: Resize): () => void {
  void (async () => {
    for (let retry = 0; retry < 5; retry++) {
      if (await resizeTo(ctx, resize)) return;
      await new Promise((r) => setTimeout(r, 10 * (retry + 1)));
    }
    ctx.io.err('failed to resize tty, using default size\n');
  })();
  return ctx.onSignal('SIGWINCH', () => { void resizeTo(ctx, resize); });
}

/** docker attach's resizeTTY: one size off and back, so a full-screen program redraws for the new client. */
export async function redrawTty(ctx: Ctx, resize: Resize): Promise<void> {
  await resizeTo(ctx, resize, 1);
  await resizeTo(ctx, resize);
}

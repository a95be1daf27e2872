// docker/cli's hijackedIOStreamer: copy the hijacked output to our stdout/stderr (demultiplexed without a
// TTY) and our stdin to the container, half-closing the connection when stdin ends. Done when the
// output ends: the container closed its side. With a TTY and stdin the local terminal is raw and the
// CLI itself watches for the detach keys (docker/cli does, so they work against any daemon): seeing them
// closes the connection and resolves 'detached'.
import { copyContainerStream, type HijackedConn } from '../../../client/index.js';
import { DEFAULT_DETACH_KEYS, detachKeyBytes, EscapeMatcher } from '../../../units/index.js';
import type { Ctx } from '../../command.js';
import { rawTerminal } from './tty.js';

export interface StreamOptions { tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean; detachKeys?: string }

function escapeKeys(keys: string | undefined): Buffer {
  // docker/cli warns and falls back to the default on an unparsable --detach-keys.
  try { return detachKeyBytes(keys || DEFAULT_DETACH_KEYS); } catch { return detachKeyBytes(DEFAULT_DETACH_KEYS); }
}

export async function streamHijacked(ctx: Ctx, conn: HijackedConn, o: StreamOptions): Promise<'detached' | undefined> {
  const { io } = ctx;
  let stopInput = () => { /* nothing attached */ };
  let restore = () => { /* terminal untouched */ };
  let detached = false;
  if (o.stdin) {
    const matcher = o.tty ? new EscapeMatcher(escapeKeys(o.detachKeys)) : undefined;
    if (o.tty) restore = rawTerminal(ctx);
    const onData = (b: Buffer) => {
      let data = b;
      if (matcher) {
        const r = matcher.push(b);
        if (r.detach) { detached = true; restore(); conn.close(); return; }
        data = r.data;
      }
      if (data.length && !conn.socket.destroyed) conn.socket.write(data);
    };
    const onEnd = () => conn.closeWrite();
    io.stdin.on('data', onData);
    io.stdin.on('end', onEnd);
    stopInput = () => { io.stdin.off('data', onData); io.stdin.off('end', onEnd); io.stdin.pause(); };
  }
  try {
    await copyContainerStream(conn.socket, o.tty, {
      stdout: (b) => { if (o.stdout) io.out(b); },
      stderr: (b) => { if (o.stderr) (o.tty ? io.out(b) : io.err(b)); },
    }, conn.head);
  } finally {
    stopInput();
    restore();
  }
  return detached ? 'detached' : undefined;
}

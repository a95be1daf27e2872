// docker/cli's hijackedIOStreamer: copy the hijacked output to our stdout/stderr (demultiplexed without a
// TTY) and our stdin to the container, half-closing the connection when stdin ends. Done when the
// output ends: the container closed its side.
import { copyContainerStream, type HijackedConn } from '../../../client/index.js';
import type { Ctx } from '../../command.js';

export interface StreamOptions { tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }

export async function streamHijacked(ctx: Ctx, conn: HijackedConn, o: StreamOptions): Promise<void> {
  const { io } = ctx;
  let stopInput = () => { /* nothing attached */ };
  if (o.stdin) {
    const onData = (b: Buffer) => { if (!conn.socket.destroyed) conn.socket.write(b); };
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
  }
}

// Drives interactive CLIs through a real pseudo-terminal with tmux: each Tmux owns a private tmux server
// (-L), so parallel test files never see each other's sessions. The command's exit code is printed after
// it ends ("EXIT=<n>") and the pane stays open so the screen can still be read.
import { spawnSync } from 'node:child_process';

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

export class Tmux {
  private readonly server = `wharf-test-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
  private n = 0;

  private tmux(args: string[]): string {
    const r = spawnSync('tmux', ['-L', this.server, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  /** Starts `argv` in a new 80x24 window with `env`; returns the session name. */
  start(argv: string[], env: Record<string, string> = {}, size = { width: 80, height: 24 }): string {
    const name = `s${this.n++}`;
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const envs = Object.entries(env).map(([k, v]) => `${k}=${q(v)}`).join(' ');
    const cmd = `env ${envs} ${argv.map(q).join(' ')}; echo EXIT=$?; sleep 600`;
    this.tmux(['new-session', '-d', '-s', name, '-x', String(size.width), '-y', String(size.height), cmd]);
    return name;
  }

  /** tmux key names ("Enter", "C-c") or literal text with literal=true. */
  keys(session: string, keys: string[], literal = false): void {
    this.tmux(['send-keys', '-t', session, ...(literal ? ['-l'] : []), ...keys]);
  }

  /** Types a line of text and Enter. */
  line(session: string, text: string): void {
    this.keys(session, [text], true);
    this.keys(session, ['Enter']);
  }

  resize(session: string, width: number, height: number): void {
    this.tmux(['resize-window', '-t', session, '-x', String(width), '-y', String(height)]);
  }

  screen(session: string): string {
    return this.tmux(['capture-pane', '-p', '-J', '-t', session, '-S', '-200']).replace(/\n+$/, '\n');
  }

  /** Polls the screen until `re` matches; returns the screen, or throws with it after timeoutMs. */
  async waitFor(session: string, re: RegExp, timeoutMs = 15_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < end) {
      text = this.screen(session);
      if (re.test(text)) return text;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${re} on screen:\n${text}`);
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.server, 'kill-server']);
  }
}

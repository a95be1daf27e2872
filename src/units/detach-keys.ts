// Detach keys (docker's --detach-keys, default ctrl-p,ctrl-q), shared by the daemon (which watches a TTY
// attachment's stdin for them) and the CLI (which watches the local terminal first, as docker/cli does).
// The text form follows moby/term's ToBytes.

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

const CTRL = ['@', ...'abcdefghijklmnopqrstuvwxyz', '[', '\\', ']', '^', '_'];

/** moby/term ToBytes: "ctrl-p,ctrl-q" -> [16, 17]; a single character stands for itself; "DEL" is 127. */
export function detachKeyBytes(keys: string): Buffer {
  const codes: number[] = [];
  for (const key of keys.split(',')) {
    if (key.length === 1) { codes.push(key.charCodeAt(0)); continue; }
    const i = key.startsWith('ctrl-') && key.length === 6 ? CTRL.indexOf(key[5]!) : -1;
    if (i >= 0) codes.push(i);
    else if (key === 'DEL') codes.push(127);
    else throw new Error(`Unknown character: '${key}'`);
  }
  return Buffer.from(codes);
}

/**
 * Watches a byte stream for the detach sequence, which may arrive split over reads or inside one read with
 * other bytes (a terminal multiplexer writes ^P^Q at once; docker detaches on it all the same). push()
 * returns the bytes to pass on (a held partial sequence is given back once it breaks) and whether the
 * sequence completed; bytes after it are dropped, as the attachment ends there.
 */
export class EscapeMatcher {
  private pos = 0;

  constructor(private readonly keys: Buffer) {}

  push(chunk: Buffer): { data: Buffer; detach: boolean } {
    if (this.keys.length === 0) return { data: chunk, detach: false };
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte === this.keys[this.pos]) {
        this.pos++;
        if (this.pos === this.keys.length) { this.pos = 0; return { data: Buffer.from(out), detach: true }; }
        continue;
      }
      // A broken prefix is passed on; the byte that broke it may itself start a new sequence.
      for (let i = 0; i < this.pos; i++) out.push(this.keys[i]!);
      this.pos = 0;
      if (byte === this.keys[0]) this.pos = 1; else out.push(byte);
      if (this.pos === this.keys.length) { this.pos = 0; return { data: Buffer.from(out), detach: true }; }
    }
    return { data: Buffer.from(out), detach: false };
  }
}

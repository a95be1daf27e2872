// compose's progress display. Plain (not a terminal): one line per event on stderr, " Container x  Started".
// On a terminal: a block redrawn in place, "[+] Running 2/2" then " ✔ Container x  Started   0.3s".

/** `text` sits between the name and the status, as compose's event Text does (cp's "copy a to web-1:/b"). */
export interface ProgressEvent { kind: 'Network' | 'Volume' | 'Container' | 'Image' | 'Service'; name: string; status: string; done: boolean; error?: boolean; text?: string }

export interface Progress {
  event(e: ProgressEvent): void;
  /** Ends the block (the terminal display prints its last frame). */
  finish(): void;
}

export function plainProgress(write: (s: string) => void): Progress {
  return {
    event(e) { write(` ${label(e)} ${e.text ?? ''} ${e.status}\n`); },
    finish() { /* nothing buffered */ },
  };
}

function label(e: ProgressEvent): string {
  // compose quotes volume names in its events.
  return e.kind === 'Volume' ? `Volume "${e.name}"` : e.kind === 'Service' ? e.name : `${e.kind} ${e.name}`;
}

interface Line { e: ProgressEvent; started: number; ended?: number }

export function ttyProgress(write: (s: string) => void, columns: number, title = 'Running'): Progress {
  const lines = new Map<string, Line>();
  let drawn = 0;
  const draw = (): void => {
    const all = [...lines.values()];
    const done = all.filter((l) => l.e.done).length;
    let out = drawn ? `\x1b[${drawn}A` : '';
    out += `\x1b[2K[+] ${title} ${done}/${all.length}\n`;
    for (const l of all) {
      const mark = l.e.error ? '✘' : l.e.done ? '✔' : '⠿';
      const secs = `${(((l.ended ?? Date.now()) - l.started) / 1000).toFixed(1)}s`;
      const left = ` ${mark} ${label(l.e)} ${l.e.text ?? ''} ${l.e.status}`;
      const pad = Math.max(1, columns - left.length - secs.length - 1);
      out += `\x1b[2K${left}${' '.repeat(pad)}${secs} \n`;
    }
    drawn = all.length + 1;
    write(out);
  };
  return {
    event(e) {
      const key = `${e.kind}/${e.name}`;
      const prev = lines.get(key);
      lines.set(key, { e, started: prev?.started ?? Date.now(), ended: e.done ? Date.now() : undefined });
      draw();
    },
    finish() { if (lines.size) draw(); },
  };
}

// Reading a container's k8s-file log (what conmon writes): one record per line,
//   2026-11-23T08:00:00.123456789+00:00 stdout F text
// where F ends a line the container wrote with "\n" and P is a fragment without one (conmon's buffer
// filled, or the process wrote no newline). Entries reproduce the container's bytes exactly: fragments of a
// stream are joined with the record that completes them, "\n" is restored after F, and a final fragment is
// returned as written. Streams from the file (never loads it whole); `tail` keeps only the last N entries.
// A joined entry carries the time of its completing record: Docker's copier stamps a line when its newline
// arrives, so `printf a; sleep 1; echo b` logs "ab" at the time of "b".
import { open, stat, type FileHandle } from 'node:fs/promises';

export interface LogEntry { stream: 'stdout' | 'stderr'; /** RFC 3339 with nanoseconds, UTC ("...Z"). */ time: string; data: Buffer }

export interface LogOptions {
  follow?: boolean;
  /** Unix seconds (fractions allowed); entries before it are skipped. */
  since?: number;
  /** Unix seconds; entries after it are skipped (and end a follow). */
  until?: number;
  /** Last N entries; undefined or negative for all. */
  tail?: number;
  timestamps?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  signal?: AbortSignal;
  /** Follow ends once this returns false and the file is drained. */
  isRunning?: () => boolean | Promise<boolean>;
  /** Alternatively, follow ends when this settles. */
  exited?: Promise<unknown>;
}

interface RawRecord { time: string; stream: 'stdout' | 'stderr'; partial: boolean; data: Buffer }

/** "2026-...+01:00" -> "2026-...Z" keeping nanoseconds; Docker prints UTC. */
export function toUtcNano(ts: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(ts);
  if (!m) return ts;
  const frac = (m[2] ?? '').padEnd(9, '0').slice(0, 9);
  if (m[3] === 'Z' || m[3] === '+00:00') return `${m[1]}.${frac}Z`;
  const iso = new Date(`${m[1]}${m[3]}`).toISOString().slice(0, 19);
  return `${iso}.${frac}Z`;
}

/** Seconds since the epoch (float) of a UTC nano timestamp. */
export function epochSeconds(utc: string): number {
  const frac = /\.(\d+)Z$/.exec(utc)?.[1] ?? '0';
  return Math.floor(Date.parse(utc.replace(/\.\d+Z$/, 'Z')) / 1000) + Number(`0.${frac}`);
}

export function parseRecord(line: Buffer): RawRecord | undefined {
  const s1 = line.indexOf(0x20);
  const s2 = s1 < 0 ? -1 : line.indexOf(0x20, s1 + 1);
  const s3 = s2 < 0 ? -1 : line.indexOf(0x20, s2 + 1);
  if (s3 < 0 && !(s2 > 0 && line.length === s2 + 2)) return undefined;
  const stream = line.subarray(s1 + 1, s2).toString();
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const tag = line.subarray(s2 + 1, s2 + 2).toString();
  const data = s3 < 0 ? Buffer.alloc(0) : line.subarray(s3 + 1);
  return { time: toUtcNano(line.subarray(0, s1).toString()), stream, partial: tag === 'P', data };
}

/** Joins P fragments per stream; call flush() at the end to release trailing fragments as written. */
export class EntryAssembler {
  private pending: Partial<Record<'stdout' | 'stderr', { time: string; parts: Buffer[] }>> = {};

  push(rec: RawRecord): LogEntry | undefined {
    const p = this.pending[rec.stream] ?? { time: rec.time, parts: [] };
    p.parts.push(rec.data);
    p.time = rec.time;
    if (rec.partial) { this.pending[rec.stream] = p; return undefined; }
    delete this.pending[rec.stream];
    return { stream: rec.stream, time: p.time, data: Buffer.concat([...p.parts, Buffer.from('\n')]) };
  }

  flush(): LogEntry[] {
    const out = (['stdout', 'stderr'] as const).flatMap((s) => {
      const p = this.pending[s];
      return p ? [{ stream: s, time: p.time, data: Buffer.concat(p.parts) }] : [];
    });
    this.pending = {};
    return out.sort((a, b) => a.time.localeCompare(b.time));
  }
}

/** Reads complete lines appended to a file since the last call; handles truncation (log rotation). */
class LineReader {
  private offset = 0;
  private rest = Buffer.alloc(0);
  constructor(private readonly fh: FileHandle, private readonly path: string) {}

  async next(): Promise<Buffer[]> {
    const size = (await stat(this.path).catch(() => ({ size: 0 }))).size;
    if (size < this.offset) { this.offset = 0; this.rest = Buffer.alloc(0); }
    const lines: Buffer[] = [];
    const buf = Buffer.alloc(64 * 1024);
    for (;;) {
      const { bytesRead } = await this.fh.read(buf, 0, buf.length, this.offset);
      if (bytesRead === 0) break;
      this.offset += bytesRead;
      let chunk = Buffer.concat([this.rest, buf.subarray(0, bytesRead)]);
      let nl: number;
      while ((nl = chunk.indexOf(0x0a)) >= 0) { lines.push(chunk.subarray(0, nl)); chunk = chunk.subarray(nl + 1); }
      this.rest = Buffer.from(chunk);
      if (lines.length > 4096) break;
    }
    return lines;
  }
}

function wanted(e: LogEntry, o: LogOptions): boolean {
  if (e.stream === 'stdout' && o.stdout === false) return false;
  if (e.stream === 'stderr' && o.stderr === false) return false;
  const t = epochSeconds(e.time);
  if (o.since !== undefined && o.since > 0 && t < o.since) return false;
  if (o.until !== undefined && o.until > 0 && t > o.until) return false;
  return true;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

async function stillRunning(o: LogOptions, exited: { done: boolean }): Promise<boolean> {
  if (exited.done) return false;
  return o.isRunning ? await o.isRunning() : o.exited !== undefined;
}

/** The container's output as entries; with follow, waits for more until the container exits. */
export async function* readLogs(logPath: string, o: LogOptions = {}): AsyncGenerator<LogEntry> {
  const fh = await open(logPath, 'r').catch(() => undefined);
  if (!fh) return;
  const exited = { done: false };
  void o.exited?.finally(() => { exited.done = true; });
  try {
    const reader = new LineReader(fh, logPath);
    const asm = new EntryAssembler();
    const tail = o.tail !== undefined && o.tail >= 0 ? o.tail : undefined;
    let ring: LogEntry[] = [];
    const collect = (lines: Buffer[]): LogEntry[] => lines.flatMap((l) => {
      const rec = parseRecord(l);
      const e = rec && asm.push(rec);
      return e && wanted(e, o) ? [e] : [];
    });
    // Backlog: with tail, keep only the last N entries while streaming through the file.
    for (let lines = await reader.next(); lines.length; lines = await reader.next()) {
      const entries = collect(lines);
      if (tail === undefined) { yield* entries; continue; }
      if (tail > 0) ring = ring.concat(entries).slice(-tail);
    }
    const running = o.follow ? await stillRunning(o, exited) : false;
    const trailing = running ? [] : asm.flush().filter((e) => wanted(e, o));
    if (tail === undefined) yield* trailing;
    else if (tail > 0) yield* [...ring, ...trailing].slice(-tail);
    if (!running) return;
    for (;;) {
      if (o.signal?.aborted) return;
      const lines = await reader.next();
      if (lines.length) { yield* collect(lines); continue; }
      if (!(await stillRunning(o, exited))) {
        yield* collect(await reader.next());
        yield* asm.flush().filter((e) => wanted(e, o));
        return;
      }
      await sleep(100, o.signal);
    }
  } finally {
    await fh.close();
  }
}

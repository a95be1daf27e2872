// Exit notifications from conmon's --exit-dir. A file <exitDir>/<id> appears when a container's process
// ends; it is consumed (removed) once the callback has handled it, so each exit is reported once, including
// exits that happened while the daemon was down (found by the scan at start). The durable record stays in
// the container's persist dir (`exit`), which exitStatus() reads.
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { warn } from '../sys/index.js';
import { readExitStatus, type ExitStatus, type MonitorPaths } from './monitor.js';

export type ExitCallback = (id: string, status: ExitStatus) => void | Promise<void>;

export class ExitWatcher {
  private watcher: FSWatcher | undefined;
  private readonly inFlight = new Set<string>();
  private readonly callbacks: ExitCallback[] = [];

  constructor(private readonly paths: MonitorPaths) {}

  /** Registers cb; the first registration starts watching and scans for exits missed while down. */
  add(cb: ExitCallback): void {
    this.callbacks.push(cb);
    if (this.watcher) { void this.scan(); return; }
    this.watcher = watch(this.paths.exitDir, (_event, name) => { if (name) this.safeCheck(String(name)); });
    this.watcher.on('error', (err) => warn('runtime', `exit watcher: ${err.message}`));
    void this.scan();
  }

  close(): void { this.watcher?.close(); this.watcher = undefined; }

  async scan(): Promise<void> {
    const names = await readdir(this.paths.exitDir).catch(() => [] as string[]);
    names.forEach((n) => this.safeCheck(n));
  }

  private safeCheck(id: string, attempt = 0): void {
    this.check(id, attempt).catch((err: Error) => warn('runtime', `exit of ${id}: ${err.message}`));
  }

  private async check(id: string, attempt = 0): Promise<void> {
    // conmon writes <id>.XXXXXX and renames it (g_file_set_contents); container ids never contain a dot.
    if (id.includes('.') || this.inFlight.has(id)) return;
    this.inFlight.add(id);
    try {
      // Removal fires the watcher too: only a file still present in the exit dir is news.
      const text = await readFile(join(this.paths.exitDir, id), 'utf8').catch(() => undefined);
      if (text === undefined) return;
      const status = text.trim() ? await readExitStatus(this.paths, id) : undefined;
      // The file can be seen before conmon has written its content; look again shortly.
      if (!status) {
        if (attempt < 20) setTimeout(() => this.safeCheck(id, attempt + 1), 25).unref();
        return;
      }
      for (const cb of this.callbacks) {
        try { await cb(id, status); } catch (err) { warn('runtime', `exit callback for ${id}: ${(err as Error).message}`); }
      }
      await rm(join(this.paths.exitDir, id), { force: true });
    } finally {
      this.inFlight.delete(id);
    }
  }
}

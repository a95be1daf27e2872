// docker top: the host's `ps` (default -ef, or the user's ps options) filtered to the container's pids,
// as dockerd does (daemon/top_unix.go), with its error texts.
import { Conflict, InvalidParameter } from '../errors.js';
import { run } from '../sys/index.js';

export interface TopResult { Titles: string[]; Processes: string[][] }

export function parseTop(output: string, pids: number[]): TopResult {
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  const titles = lines[0]!.trim().split(/\s+/);
  const pidCol = titles.indexOf('PID');
  if (pidCol < 0) throw new InvalidParameter(`Couldn't find PID field in ps output`);
  const procs: string[][] = [];
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/);
    const pid = Number(fields[pidCol]);
    if (!pids.includes(pid)) continue;
    // The last column (CMD) may contain spaces: join the remainder.
    const row = fields.slice(0, titles.length - 1);
    row.push(fields.slice(titles.length - 1).join(' '));
    procs.push(row);
  }
  return { Titles: titles, Processes: procs };
}

export async function top(running: boolean, id: string, pids: () => Promise<number[]>, psArgs: string | undefined): Promise<TopResult> {
  if (!running) throw new Conflict(`Container ${id} is not running`);
  const args = psArgs ? psArgs.split(/\s+/).filter(Boolean) : ['-ef'];
  const r = await run(['ps', ...args], { allowFailure: true });
  if (r.exitCode !== 0) throw new InvalidParameter(`Error running ps: ${r.stderr.trim() || `exit status ${r.exitCode}`}`);
  return parseTop(r.stdout, await pids());
}

// `stats` as docker 20.10's client does it: without container arguments the streamed table follows the daemon
// (containers started later appear, ones that die go; with --all removed ones stay, shown as "--"), and the
// --no-stream and --format output is byte for byte what the real docker client prints against the same wharfd.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { TestDaemon, ok, repoRoot, skipUnlessRoot, dockerClient } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-stats-stream');
const CLEAR = '\u001b[2J\u001b[H';

before(async () => {
  if (skipUnlessRoot) return;
  await d.start();
  d.importBusybox('busybox:latest');
});
after(async () => { if (!skipUnlessRoot) await d.cleanup(); });

/** A streaming `wharf stats`, its frames (the text between screen clears) read as they come. */
class StatsWatch {
  private readonly child: ChildProcess;
  private out = '';
  constructor(args: string[]) {
    this.child = spawn(process.execPath, [join(repoRoot, 'dist/bin/wharf.js'), 'stats', ...args], { env: { ...process.env, WHARF_HOST: d.host } });
    this.child.stdout!.on('data', (b: Buffer) => { this.out += b.toString(); });
  }

  /** The last complete frame's lines. */
  frame(): string[] {
    const frames = this.out.split(CLEAR);
    return (frames.length > 2 ? frames[frames.length - 2]! : '').split('\n').filter(Boolean);
  }

  async until(what: string, pred: (lines: string[]) => boolean, ms = 20_000): Promise<string[]> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const f = this.frame();
      if (pred(f)) return f;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`stats never showed ${what}; last frame:\n${this.frame().join('\n')}`);
  }

  stop(): void { this.child.kill('SIGINT'); }
}

test('stats without arguments picks up containers started later and drops those that die', { skip: skipUnlessRoot }, async () => {
  ok(d.wharf(['run', '-d', '--name', 'st-a', 'busybox', 'sleep', '120']));
  const w = new StatsWatch(['--format', '{{.Name}} {{.PIDs}}']);
  try {
    await w.until('st-a', (f) => f.includes('st-a 1'));
    ok(d.wharf(['run', '-d', '--name', 'st-b', 'busybox', 'sleep', '120']));
    await w.until('st-b added', (f) => f.includes('st-a 1') && f.includes('st-b 1'));
    ok(d.wharf(['stop', '-t', '0', 'st-a']));
    const f = await w.until('st-a dropped', (f) => !f.some((l) => l.startsWith('st-a')));
    assert.deepEqual(f, ['st-b 1']);
    ok(d.wharf(['rm', '-f', 'st-b']));
    await w.until('an empty table', (f) => f.length === 0);
  } finally {
    w.stop();
    d.wharf(['rm', '-f', 'st-a', 'st-b']);
  }
});

test('stats --all keeps created and stopped containers, and shows removed ones as "--"', { skip: skipUnlessRoot }, async () => {
  const w = new StatsWatch(['-a', '--format', '{{.Name}}|{{.PIDs}}|{{.MemPerc}}|{{.MemUsage}}|{{.NetIO}}|{{.CPUPerc}}']);
  try {
    await w.until('the first frame', () => true);
    ok(d.wharf(['create', '--name', 'st-c', 'busybox', 'sleep', '120']));
    await w.until('the created st-c', (f) => f.some((l) => l.startsWith('st-c|0|0.00%|0B / 0B|')));
    ok(d.wharf(['start', 'st-c']));
    await w.until('st-c running', (f) => f.some((l) => l.startsWith('st-c|1|')));
    ok(d.wharf(['rm', '-f', 'st-c']));
    await w.until('st-c invalid', (f) => f.includes('st-c|--|--|-- / --|--|--'));
  } finally {
    w.stop();
    d.wharf(['rm', '-f', 'st-c']);
  }
});

test('stats --no-stream and --format print what the real docker client prints', { skip: skipUnlessRoot || (dockerClient() ? false : 'no docker client installed') }, () => {
  ok(d.wharf(['run', '-d', '--name', 'st-idle', 'busybox', 'sleep', '120']));
  ok(d.wharf(['create', '--name', 'st-new', 'busybox']));
  try {
    const cases = [
      ['--format', 'table {{.Container}}\t{{.Name}}\t{{.ID}}\t{{.PIDs}}\t{{.MemPerc}}\t{{.BlockIO}}'],
      ['-a', '--format', 'table {{.Name}}\t{{.PIDs}}\t{{.MemUsage}}'],
      ['--no-trunc', '--format', '{{.ID}} {{.Name}}', 'st-idle', 'st-new'],
      ['--format', '{{.Bad}}', 'st-idle'],
      ['--format', '{{', 'st-idle'],
      ['st-idle', 'st-nope', 'st-nope2'],
    ];
    for (const args of cases) {
      const mine = d.wharf(['stats', '--no-stream', ...args]);
      const theirs = d.docker(['stats', '--no-stream', ...args]);
      assert.deepEqual([mine.code, mine.stdout, mine.stderr], [theirs.code, theirs.stdout, theirs.stderr], args.join(' '));
    }
    assert.match(ok(d.wharf(['stats', '--no-stream', '--format', '{{.Name}}|{{.MemUsage}}', 'st-new'])), /^st-new\|0B \/ 0B\n$/);
  } finally {
    d.wharf(['rm', '-f', 'st-idle', 'st-new']);
  }
});

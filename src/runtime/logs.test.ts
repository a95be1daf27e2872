import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLogs, toUtcNano, type LogEntry } from './logs.js';

let dir: string;
before(() => { dir = mkdtempSync(join(tmpdir(), 'wharf-logs-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

const LOG = [
  '2026-11-23T08:00:01.000000001+00:00 stdout F one',
  '2026-11-23T08:00:02.000000002+00:00 stdout P par',
  '2026-11-23T08:00:02.500000000+00:00 stderr F err',
  '2026-11-23T08:00:03.000000003+00:00 stdout F tial',
  '2026-11-23T08:00:04.000000004+00:00 stdout F ',
  '2026-11-23T08:00:05.000000005+00:00 stdout P no newline',
].join('\n') + '\n';

async function all(it: AsyncIterable<LogEntry>): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for await (const e of it) out.push(e);
  return out;
}
const bytes = (es: LogEntry[]): string => Buffer.concat(es.map((e) => e.data)).toString();

test('entries reproduce the bytes written, partial lines joined', async () => {
  const p = join(dir, 'a.log');
  writeFileSync(p, LOG);
  const es = await all(readLogs(p));
  assert.deepEqual(es.map((e) => [e.stream, e.data.toString()]), [
    ['stdout', 'one\n'], ['stderr', 'err\n'], ['stdout', 'partial\n'], ['stdout', '\n'], ['stdout', 'no newline'],
  ]);
  assert.equal(es[0]!.time, '2026-11-23T08:00:01.000000001Z');
  assert.equal(bytes(es.filter((e) => e.stream === 'stdout')), 'one\npartial\n\nno newline');
  assert.deepEqual((await all(readLogs(p, { tail: 2 }))).map((e) => e.data.toString()), ['\n', 'no newline']);
  assert.deepEqual(await all(readLogs(p, { tail: 0 })), []);
  assert.equal(bytes(await all(readLogs(p, { stdout: false }))), 'err\n');
  const since = Date.parse('2026-11-23T08:00:03Z') / 1000;
  // A joined line is stamped when it completes (Docker's copier stamps a line when its newline arrives).
  assert.equal(es[2]!.time, '2026-11-23T08:00:03.000000003Z');
  assert.equal(bytes(await all(readLogs(p, { since }))), 'partial\n\nno newline');
  assert.equal(bytes(await all(readLogs(p, { until: since - 0.6 }))), 'one\n');
});

test('follow returns new output and ends when the container exits', async () => {
  const p = join(dir, 'b.log');
  writeFileSync(p, '2026-11-23T08:00:01.000000001+00:00 stdout F first\n');
  let running = true;
  const got: string[] = [];
  const done = (async () => { for await (const e of readLogs(p, { follow: true, isRunning: () => running })) got.push(e.data.toString()); })();
  await new Promise((r) => setTimeout(r, 150));
  appendFileSync(p, '2026-11-23T08:00:02.000000001+00:00 stdout P sec\n2026-11-23T08:00:02.100000001+00:00 stdout F ond\n');
  await new Promise((r) => setTimeout(r, 250));
  assert.deepEqual(got, ['first\n', 'second\n']);
  appendFileSync(p, '2026-11-23T08:00:03.000000001+00:00 stderr P bye');
  appendFileSync(p, '\n');
  running = false;
  await done;
  assert.deepEqual(got, ['first\n', 'second\n', 'bye']);
});

test('timestamps with an offset are converted to UTC', () => {
  assert.equal(toUtcNano('2026-11-23T09:00:00.5+01:00'), '2026-11-23T08:00:00.500000000Z');
});

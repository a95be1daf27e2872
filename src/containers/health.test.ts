import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyResult, goDuration, probeArgs } from './health.js';

test('probe argv: CMD as is, CMD-SHELL through the shell, NONE and empty mean no probe', () => {
  assert.deepEqual(probeArgs({ Test: ['CMD', 'curl', '-f', 'x'] }, null), ['curl', '-f', 'x']);
  assert.deepEqual(probeArgs({ Test: ['CMD-SHELL', 'exit 1'] }, null), ['/bin/sh', '-c', 'exit 1']);
  assert.deepEqual(probeArgs({ Test: ['CMD-SHELL', 'exit 1'] }, ['/bin/bash', '-xc']), ['/bin/bash', '-xc', 'exit 1']);
  assert.equal(probeArgs({ Test: ['NONE'] }, null), undefined);
  assert.equal(probeArgs({}, null), undefined);
});

test("Go's duration text", () => {
  assert.equal(goDuration(200_000_000), '200ms');
  assert.equal(goDuration(30_000_000_000), '30s');
  assert.equal(goDuration(1_500_000_000), '1.5s');
  assert.equal(goDuration(90_000_000_000), '1m30s');
});

test('results: retries to unhealthy, a success resets, the start period holds failures, 5 log entries', () => {
  const r = (code: number) => ({ Start: 's', End: 'e', ExitCode: code, Output: '' });
  let h = { Status: 'starting' as const, FailingStreak: 0, Log: [] as ReturnType<typeof r>[] } as Parameters<typeof applyResult>[0];
  h = applyResult(h, r(1), 2, true);
  assert.deepEqual([h.Status, h.FailingStreak], ['starting', 0]);
  h = applyResult(h, r(1), 2, false);
  assert.deepEqual([h.Status, h.FailingStreak], ['starting', 1]);
  h = applyResult(h, r(-1), 2, false);
  assert.deepEqual([h.Status, h.FailingStreak], ['unhealthy', 2]);
  h = applyResult(h, r(0), 2, false);
  assert.deepEqual([h.Status, h.FailingStreak], ['healthy', 0]);
  for (let i = 0; i < 4; i++) h = applyResult(h, r(1), 0, true);
  assert.deepEqual([h.Status, h.FailingStreak, h.Log.length], ['unhealthy', 4, 5]);
});

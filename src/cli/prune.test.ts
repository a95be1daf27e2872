import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Ctx } from './command.js';
import { naturalCompare, runPrune } from './prune.js';

function fakeCtx(answer: string): { ctx: Ctx; out: () => string } {
  let out = '';
  const ctx = { io: { out: (s: string) => { out += s; } }, readLine: async () => answer } as unknown as Ctx;
  return { ctx, out: () => out };
}

test('runPrune: only a bare y or Y prunes; a refusal still prints the zero total like docker 20.10', async () => {
  for (const [answer, pruned] of [['y', true], ['Y', true], ['y\r', true], [' y', false], ['yes', false], ['n', false], ['', false]] as const) {
    const { ctx, out } = fakeCtx(answer);
    let called = false;
    const code = await runPrune(ctx, {}, 'Sure?', async () => { called = true; return { output: 'Deleted X:\na\n\n', space: 2048 }; });
    assert.equal(code, 0);
    assert.equal(called, pruned, JSON.stringify(answer));
    assert.equal(out(), pruned ? 'Sure? [y/N] Deleted X:\na\n\nTotal reclaimed space: 2.048kB\n' : 'Sure? [y/N] Total reclaimed space: 0B\n');
  }
  const { ctx, out } = fakeCtx('n');
  await runPrune(ctx, { force: true }, 'Sure?', async () => ({ output: '', space: 0 }));
  assert.equal(out(), 'Total reclaimed space: 0B\n');
});

test('naturalCompare sorts like sortorder.NaturalLess', () => {
  const list = ['until=10h', 'label=b10', 'label=b', 'label=b9', 'label!=a', 'label=B2', 'x01', 'x1', 'x001'];
  assert.deepEqual(list.sort(naturalCompare), ['label!=a', 'label=B2', 'label=b', 'label=b9', 'label=b10', 'until=10h', 'x1', 'x01', 'x001']);
});

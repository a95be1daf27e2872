import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyedMutex, TEMP_MARK, readJsonOr, sweepTemp, writeJsonAtomic, readJson, writeFileAtomic } from './index.js';

test('writeJsonAtomic replaces the file and leaves no temp files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-store-'));
  try {
    const p = join(dir, 'a.json');
    await writeJsonAtomic(p, { a: 1 });
    await writeJsonAtomic(p, { a: 2 });
    assert.deepEqual(await readJson(p), { a: 2 });
    assert.deepEqual(await readdir(dir), ['a.json']);
    assert.deepEqual(await readJsonOr(join(dir, 'missing.json'), { x: 0 }), { x: 0 });
    await writeFileAtomic(join(dir, 'b'), 'hello', 0o600);
    assert.equal(await readFile(join(dir, 'b'), 'utf8'), 'hello');
  } finally { await rm(dir, { recursive: true, force: true }); }
});

test('sweepTemp removes only temp leftovers', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-store-'));
  try {
    await writeFile(join(dir, `${TEMP_MARK}x`), 'half');
    await mkdir(join(dir, `${TEMP_MARK}d`));
    await writeFile(join(dir, 'keep'), 'ok');
    assert.equal(await sweepTemp(dir), 2);
    assert.deepEqual(await readdir(dir), ['keep']);
  } finally { await rm(dir, { recursive: true, force: true }); }
});

test('KeyedMutex serializes one key and lets others run', async () => {
  const m = new KeyedMutex();
  const order: string[] = [];
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  await Promise.all([
    m.run('a', async () => { order.push('a1-start'); await sleep(20); order.push('a1-end'); }),
    m.run('a', async () => { order.push('a2'); }),
    m.run('b', async () => { order.push('b'); }),
  ]);
  assert.ok(order.indexOf('a2') > order.indexOf('a1-end'));
  assert.ok(order.indexOf('b') < order.indexOf('a1-end'));
  await assert.rejects(m.run('a', () => { throw new Error('boom'); }), /boom/);
  assert.equal(await m.run('a', () => 5), 5);
  assert.equal(m.isLocked('a'), false);
});

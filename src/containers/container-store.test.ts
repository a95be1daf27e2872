import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerStore } from './container-store.js';
import type { ContainerRecord } from './types.js';

const record = (id: string, name: string, status: string): ContainerRecord => ({ Id: id, Name: `/${name}`, State: { Status: status } } as unknown as ContainerRecord);
const onDisk = (store: ContainerStore, id: string): string => (JSON.parse(readFileSync(join(store.dir(id), 'config.v2.json'), 'utf8')) as ContainerRecord).State.Status;

test('writes of one container land in the order they were asked for, even when nobody waits for the first', async () => {
  const root = mkdtempSync(join(tmpdir(), 'wharf-store-'));
  try {
    const store = await ContainerStore.open(join(root, 'containers'));
    const id = 'a'.repeat(64);
    const rec = record(id, 'one', 'created');
    await store.save(rec);
    const first = store.save({ ...rec, State: { ...rec.State, Status: 'running' } });
    const second = store.save({ ...rec, State: { ...rec.State, Status: 'exited' } });
    await Promise.all([first, second]);
    assert.equal(onDisk(store, id), 'exited');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a forgotten record is not brought back by a write in flight, and delete waits for that write', async () => {
  const root = mkdtempSync(join(tmpdir(), 'wharf-store-'));
  try {
    const store = await ContainerStore.open(join(root, 'containers'));
    const id = 'b'.repeat(64);
    const rec = record(id, 'two', 'running');
    await store.save(rec);
    const inFlight = store.save(rec);
    store.forget(rec);
    assert.equal(store.find('two'), undefined);
    assert.equal(store.nameTaken('two'), false);
    const deleted = store.delete(rec);
    await inFlight;
    assert.equal(store.find(id), undefined, 'not registered again by the write that finished after forget');
    await deleted;
    assert.equal(existsSync(store.dir(id)), false, 'the directory is gone, not recreated by the earlier write');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

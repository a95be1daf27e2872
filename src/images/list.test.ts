import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterImages, globMatch } from './list.js';
import type { ImageRecord } from './types.js';

const img = (id: string, created: string, labels: Record<string, string> = {}): ImageRecord => ({
  id, config: { created, config: { Labels: labels } }, diffIds: [], chainId: undefined, size: 0, meta: {},
});

test('reference globs follow path.Match: * stops at /', () => {
  assert.ok(globMatch('busy*', 'busybox'));
  assert.ok(!globMatch('*', 'library/busybox'));
  assert.ok(globMatch('*/*', 'library/busybox'));
  assert.ok(globMatch('bb:v?', 'bb:v1'));
});

test('filters: dangling, label, reference, before/since, newest first', () => {
  const a = img('sha256:a', '2026-01-01T00:00:00Z', { team: 'core' });
  const b = img('sha256:b', '2026-02-01T00:00:00Z');
  const c = img('sha256:c', '2026-03-01T00:00:00Z');
  const tags: Record<string, string[]> = { 'sha256:a': ['busybox:latest'], 'sha256:b': ['app:1'], 'sha256:c': [] };
  const deps = { tags: (id: string) => tags[id]!, resolve: (r: string) => [a, b, c].find((x) => x.id === r || tags[x.id]!.includes(r))! };
  const ids = (f: Record<string, string[]>) => filterImages([a, b, c], { all: false, filters: f }, deps).map((r) => r.id);
  assert.deepEqual(ids({}), ['sha256:c', 'sha256:b', 'sha256:a']);
  assert.deepEqual(ids({ dangling: ['true'] }), ['sha256:c']);
  assert.deepEqual(ids({ dangling: ['false'] }), ['sha256:b', 'sha256:a']);
  assert.deepEqual(ids({ label: ['team=core'] }), ['sha256:a']);
  assert.deepEqual(ids({ reference: ['busy*'] }), ['sha256:a']);
  assert.deepEqual(ids({ before: ['app:1'] }), ['sha256:a']);
  assert.deepEqual(ids({ since: ['busybox:latest'] }), ['sha256:c', 'sha256:b']);
  assert.throws(() => ids({ bogus: ['x'] }), /Invalid filter 'bogus'/);
});

test('dangling=true leaves out untagged parents (intermediate build images) unless -a, as dockerd does', () => {
  const parent = img('sha256:p', '2026-01-01T00:00:00Z');
  const child: ImageRecord = { ...img('sha256:k', '2026-02-01T00:00:00Z'), meta: { parent: 'sha256:p' } };
  const lone = img('sha256:l', '2026-03-01T00:00:00Z');
  const deps = { tags: (id: string) => (id === 'sha256:k' ? ['app:1'] : []), resolve: () => parent };
  const ids = (all: boolean) => filterImages([parent, child, lone], { all, filters: { dangling: ['true'] } }, deps).map((r) => r.id);
  assert.deepEqual(ids(false), ['sha256:l']);
  assert.deepEqual(ids(true), ['sha256:l', 'sha256:p']);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInvalidParameter } from '../errors.js';
import type { NetworkRecord } from './types.js';
import { listFilter, pruneFilter } from './network-filters.js';

const rec = (name: string, extra: Partial<NetworkRecord> = {}): NetworkRecord => ({
  Id: `${name}0123456789abcdef`, Name: name, Driver: 'bridge', Created: '2026-11-23T10:00:00.000000000Z', Internal: false, Attachable: false,
  Labels: {}, Options: {}, IPAMConfig: [], IPAMOptions: null, ...extra,
});
const nets = [
  rec('bridge', { Options: { 'com.docker.network.bridge.default_bridge': 'true' } }), rec('host', { Driver: 'host' }), rec('none', { Driver: 'null' }),
  rec('front', { Labels: { team: 'a', tier: 'web' } }), rec('back', { Labels: { team: 'b' } }),
];
const names = (f: Record<string, string[]>) => nets.filter(listFilter(f)).map((n) => n.Name);

test('list filters: name/id substrings, exact driver, labels, type and dangling like dockerd', () => {
  assert.deepEqual(names({ name: ['ron'] }), ['front']);
  assert.deepEqual(names({ id: ['ack01'] }), ['back']);
  assert.deepEqual(names({ driver: ['brid'] }), []);
  assert.deepEqual(names({ driver: ['null', 'host'] }), ['host', 'none']);
  assert.deepEqual(names({ label: ['team'] }), ['front', 'back']);
  assert.deepEqual(names({ label: ['team=a', 'tier=web'] }), ['front']);
  assert.deepEqual(names({ type: ['custom'] }), ['front', 'back']);
  assert.deepEqual(names({ type: ['builtin'] }), ['bridge', 'host', 'none']);
  // dockerd 20.10 lists every user-defined network as dangling, used or not (its list has no Containers).
  assert.deepEqual(names({ dangling: ['true'] }), ['front', 'back']);
  assert.deepEqual(names({ dangling: ['0'] }), ['bridge', 'host', 'none']);
  assert.throws(() => names({ foo: ['x'] }), (e: Error) => isInvalidParameter(e) && e.message === "Invalid filter 'foo'");
  assert.throws(() => names({ type: ['x'] }), (e: Error) => !isInvalidParameter(e) && /invalid filter: 'type'='x'/.test(e.message));
  assert.throws(() => names({ dangling: ['maybe'] }), /invalid value for filter 'dangling'/);
});

test('prune filters: until (timestamp or duration), label and label!', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');
  const keep = (f: Record<string, string[]>) => nets.slice(3).filter(pruneFilter(f, now)).map((n) => n.Name);
  assert.deepEqual(keep({ until: ['1h'] }), ['front', 'back']);
  assert.deepEqual(keep({ until: ['3h'] }), []);
  assert.deepEqual(keep({ until: ['2026-11-23T09:00:00Z'] }), []);
  assert.deepEqual(keep({ label: ['team=a'] }), ['front']);
  assert.deepEqual(keep({ 'label!': ['team=a'] }), ['back']);
  assert.throws(() => keep({ name: ['x'] }), /Invalid filter 'name'/);
  assert.throws(() => keep({ until: ['xyz'] }), /failed to parse value as time or duration: "xyz"/);
});

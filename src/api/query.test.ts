import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeGoJson, goFields } from './go-json.js';
import { Query, compareVersions, parseFilters } from './query.js';
import { markPlainHijack } from './server.js';

test('booleans follow httputils.BoolValue', () => {
  const q = Query.parse('a=1&b=True&c=yes&d=0&e=false&f=no&g=none&h=&i=NONE');
  for (const k of ['a', 'b', 'c']) assert.equal(q.bool(k), true, k);
  for (const k of ['d', 'e', 'f', 'g', 'h', 'i', 'absent']) assert.equal(q.bool(k), false, k);
  assert.equal(q.boolOr('absent', true), true);
  assert.equal(q.boolOr('d', true), false);
});

test('filters: map form, legacy list form, null and empty', () => {
  assert.deepEqual(parseFilters('{"status":{"running":true,"paused":false}}'), { status: ['running', 'paused'] });
  assert.deepEqual(parseFilters('{"label":["a","a","b"]}'), { label: ['a', 'b'] });
  assert.deepEqual(parseFilters(''), {});
  assert.deepEqual(parseFilters('null'), {});
  assert.throws(() => parseFilters('[1]'), /cannot unmarshal array into Go value of type map\[string\]map\[string\]bool/);
  assert.throws(() => parseFilters('{"a":[1]}'), /cannot unmarshal number into Go value of type string/);
});

test('Go json.Decoder messages', () => {
  const msg = (s: string): string => { try { decodeGoJson(s); return 'ok'; } catch (e) { return (e as Error).message; } };
  assert.equal(msg(''), 'EOF');
  assert.equal(msg('  x'), "invalid character 'x' looking for beginning of value");
  assert.equal(msg('{"a" 1}'), "invalid character '1' after object key");
  assert.equal(msg('{"a":1 "b"}'), "invalid character '\"' after object key:value pair");
  assert.equal(msg('{a}'), "invalid character 'a' looking for beginning of object key string");
  assert.equal(msg('[1 2]'), "invalid character '2' after array element");
  assert.equal(msg('tru'), 'unexpected EOF');
  assert.equal(msg('trUe'), "invalid character 'U' in literal true (expecting 'u')");
  assert.equal(msg('"a\nb"'), "invalid character '\\n' in string literal");
  assert.equal(msg('{"a":1} garbage'), 'ok');
  assert.deepEqual(decodeGoJson('{"a":[1,"x",null]} tail'), { a: [1, 'x', null] });
});

test('API versions compare numerically', () => {
  assert.equal(compareVersions('1.9', '1.12'), -1);
  assert.equal(compareVersions('1.41', '1.41'), 0);
  assert.equal(compareVersions('1.41.1', '1.41'), 1);
});

test('plain attach/exec-start heads become upgrades; others are untouched', () => {
  const plain = Buffer.from('POST /v1.41/containers/x/attach?stream=1 HTTP/1.1\r\nHost: d\r\nConnection: keep-alive\r\n\r\nstdin');
  const out = markPlainHijack(plain).toString();
  assert.match(out, /\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nx-wharf-plain-hijack: 1\r\n\r\nstdin$/);
  assert.doesNotMatch(out, /keep-alive/);
  const upgraded = Buffer.from('POST /exec/e/start HTTP/1.1\r\nUpgrade: tcp\r\nConnection: Upgrade\r\n\r\n');
  assert.equal(markPlainHijack(upgraded), upgraded);
  const other = Buffer.from('POST /containers/x/start HTTP/1.1\r\n\r\n');
  assert.equal(markPlainHijack(other), other);
});

test('goFields: keys match Go struct fields exactly or case-insensitively, exact keys first', () => {
  assert.deepEqual(goFields({ detachKeys: 'ctrl-p', cmd: ['sh'], Other: 1 }, ['DetachKeys', 'Cmd']), { DetachKeys: 'ctrl-p', Cmd: ['sh'], Other: 1 });
  assert.deepEqual(goFields({ tty: false, Tty: true }, ['Tty']), { Tty: true });
  assert.deepEqual(goFields({ Tty: true, TTY: false }, ['Tty']), { Tty: true });
});

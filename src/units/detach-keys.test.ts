import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detachKeyBytes, EscapeMatcher } from './index.js';

test('detachKeyBytes follows moby/term ToBytes', () => {
  assert.deepEqual([...detachKeyBytes('ctrl-p,ctrl-q')], [16, 17]);
  assert.deepEqual([...detachKeyBytes('a,ctrl-@,ctrl-_,DEL')], [97, 0, 31, 127]);
  assert.throws(() => detachKeyBytes('ctrl-P'), /Unknown character: 'ctrl-P'/);
  assert.throws(() => detachKeyBytes('ab'), /Unknown character: 'ab'/);
});

test('EscapeMatcher finds the sequence across and inside reads and gives back a broken prefix', () => {
  const m = new EscapeMatcher(detachKeyBytes('ctrl-p,ctrl-q'));
  assert.deepEqual(m.push(Buffer.from('ls\r')), { data: Buffer.from('ls\r'), detach: false });
  assert.deepEqual(m.push(Buffer.from([16])), { data: Buffer.alloc(0), detach: false });
  assert.deepEqual(m.push(Buffer.from('x')), { data: Buffer.from([16, 120]), detach: false });
  m.push(Buffer.from([16]));
  assert.equal(m.push(Buffer.from([17])).detach, true);
  assert.deepEqual(m.push(Buffer.from([97, 16, 17, 98])), { data: Buffer.from([97]), detach: true });
  assert.deepEqual(m.push(Buffer.from([16, 16])), { data: Buffer.from([16]), detach: false });
  assert.deepEqual(m.push(Buffer.from([17])), { data: Buffer.alloc(0), detach: true });
  const one = new EscapeMatcher(detachKeyBytes('x'));
  assert.deepEqual(one.push(Buffer.from('abxc')), { data: Buffer.from('ab'), detach: true });
});

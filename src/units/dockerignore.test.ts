import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IgnoreMatcher, readIgnoreFile } from './dockerignore.js';

test('readIgnoreFile drops comments and blanks, cleans paths and leading slashes', () => {
  assert.deepEqual(readIgnoreFile('# c\n\n/build/\n./a//b\n !x \nsub/../y\n'), ['build', 'a/b', '!x', 'y']);
});

test('Docker\'s pattern rules: ** , exceptions in order, parent directories', () => {
  const m = new IgnoreMatcher(readIgnoreFile('**/*.log\n!keep.log\nsecret\n/build\n*.tmp\n'));
  assert.equal(m.matches('x.log'), true);
  assert.equal(m.matches('a/b/y.log'), true);
  assert.equal(m.matches('keep.log'), false);
  assert.equal(m.matches('secret/s'), true, 'a matching parent directory excludes its contents');
  assert.equal(m.matches('build/b'), true);
  assert.equal(m.matches('sub/build/c'), false, 'patterns are relative to the context root');
  assert.equal(m.matches('sub/a.tmp'), false, '* does not cross /');
  assert.equal(m.matches('a.tmp'), true);
  const last = new IgnoreMatcher(readIgnoreFile('!a\na\n'));
  assert.equal(last.matches('a'), true, 'the last matching pattern wins');
});

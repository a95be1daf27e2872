import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInvalidParameter } from '../errors.js';
import { goQuote, parseGoDuration } from './index.js';

test('parseGoDuration reads Go durations in nanoseconds', () => {
  assert.equal(parseGoDuration('1m30s'), 90e9);
  assert.equal(parseGoDuration('1.5h'), 5400e9);
  assert.equal(parseGoDuration('-500ms'), -500e6);
  assert.equal(parseGoDuration('.5s'), 500e6);
  assert.equal(parseGoDuration('3µs2ns'), 3002);
  assert.equal(parseGoDuration('0'), 0);
});

test('parseGoDuration fails with Go\'s messages, quoted the way the time package quotes', () => {
  const cases: Array<[string, string]> = [
    ['5x', 'time: unknown unit "x" in duration "5x"'],
    ['1.5', 'time: missing unit in duration "1.5"'],
    ['', 'time: invalid duration ""'],
    ['µs', 'time: invalid duration "\\xc2\\xb5s"'],
    ['1é', 'time: unknown unit "\\xc3\\xa9" in duration "1\\xc3\\xa9"'],
    ['a"b', 'time: invalid duration "a\\"b"'],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => parseGoDuration(input), (e: Error) => isInvalidParameter(e) && e.message === message, input);
  }
});

test('goQuote is strconv.Quote', () => {
  assert.equal(goQuote('a"b\\c\n\t\x01\x7fé\u200b😀'), '"a\\"b\\\\c\\n\\t\\x01\\x7fé\\u200b😀"');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, humanSize, bytesSize, ramInBytes } from './index.js';

test('humanDuration matches go-units', () => {
  assert.equal(humanDuration(300), 'Less than a second');
  assert.equal(humanDuration(1000), '1 second');
  assert.equal(humanDuration(45_000), '45 seconds');
  assert.equal(humanDuration(61_000), 'About a minute');
  assert.equal(humanDuration(5 * 60_000), '5 minutes');
  assert.equal(humanDuration(3_600_000), 'About an hour');
  assert.equal(humanDuration(5 * 3_600_000), '5 hours');
  assert.equal(humanDuration(3 * 86_400_000), '3 days');
  assert.equal(humanDuration(21 * 86_400_000), '3 weeks');
  assert.equal(humanDuration(90 * 86_400_000), '3 months');
  assert.equal(humanDuration(800 * 86_400_000), '2 years');
});

test('humanSize is decimal with 4 significant digits like docker images', () => {
  assert.equal(humanSize(0), '0B');
  assert.equal(humanSize(999), '999B');
  assert.equal(humanSize(1_234_567), '1.235MB');
  assert.equal(humanSize(2_222_000), '2.222MB');
  assert.equal(humanSize(1000), '1kB');
  assert.equal(bytesSize(1536 * 1024), '1.5MiB');
});

test('ramInBytes uses binary multipliers like docker run -m', () => {
  assert.equal(ramInBytes('512m'), 536870912);
  assert.equal(ramInBytes('1g'), 1073741824);
  assert.equal(ramInBytes('100'), 100);
  assert.throws(() => ramInBytes('lots'));
});

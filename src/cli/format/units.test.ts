// Expected values follow docker/go-units' own tests (size_test.go, duration_test.go).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesSize, humanDuration, humanSize, humanSizeWithPrecision } from './index.js';

test('humanSize uses decimal units and 4 significant digits', () => {
  assert.equal(humanSize(0), '0B');
  assert.equal(humanSize(1000), '1kB');
  assert.equal(humanSize(1024), '1.024kB');
  assert.equal(humanSize(1_000_000), '1MB');
  assert.equal(humanSize(1_048_576), '1.049MB');
  assert.equal(humanSize(3.42 * 1e9), '3.42GB');
  assert.equal(humanSize(5.372 * 1e12), '5.372TB');
  assert.equal(humanSizeWithPrecision(1_983_000, 3), '1.98MB');
  assert.equal(humanSizeWithPrecision(4864, 3), '4.86kB');
});

test('bytesSize uses binary units', () => {
  assert.equal(bytesSize(1024), '1KiB');
  assert.equal(bytesSize(1024 * 1024), '1MiB');
  assert.equal(bytesSize(1048576 * 1.5), '1.5MiB');
  assert.equal(bytesSize(3.42 * 1024 ** 3), '3.42GiB');
  assert.equal(bytesSize(512), '512B');
});

test('humanDuration matches go-units wording', () => {
  const s = 1000;
  const h = 3600 * s;
  assert.equal(humanDuration(450), 'Less than a second');
  assert.equal(humanDuration(1 * s), '1 second');
  assert.equal(humanDuration(47 * s), '47 seconds');
  assert.equal(humanDuration(60 * s), 'About a minute');
  assert.equal(humanDuration(3 * 60 * s), '3 minutes');
  assert.equal(humanDuration(60 * 60 * s), 'About an hour');
  assert.equal(humanDuration(2 * h), '2 hours');
  assert.equal(humanDuration(48 * h), '2 days');
  assert.equal(humanDuration(3 * 7 * 24 * h), '3 weeks');
  assert.equal(humanDuration(4 * 30 * 24 * h), '4 months');
  assert.equal(humanDuration(2 * 365 * 24 * h), '2 years');
});

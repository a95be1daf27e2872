import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestartManager, nextBackoff, policyWantsRestart } from './restart-policy.js';

test('policies decide like dockerd', () => {
  const p = (Name: string, MaximumRetryCount = 0) => ({ Name, MaximumRetryCount });
  assert.equal(policyWantsRestart(p('no'), 1, false, 0), false);
  assert.equal(policyWantsRestart(p('always'), 0, true, 0), true);
  assert.equal(policyWantsRestart(p('unless-stopped'), 0, false, 0), true);
  assert.equal(policyWantsRestart(p('unless-stopped'), 1, true, 0), false);
  assert.equal(policyWantsRestart(p('on-failure'), 0, false, 0), false);
  assert.equal(policyWantsRestart(p('on-failure'), 3, false, 100), true);
  assert.equal(policyWantsRestart(p('on-failure', 2), 3, false, 1), true);
  assert.equal(policyWantsRestart(p('on-failure', 2), 3, false, 2), false);
});

test('back-off: 100 ms doubling, capped at a minute, reset after 10 s of running', () => {
  assert.equal(nextBackoff(0, 0), 100);
  assert.equal(nextBackoff(100, 50), 200);
  assert.equal(nextBackoff(400, 9_999), 800);
  assert.equal(nextBackoff(800, 10_000), 100);
  assert.equal(nextBackoff(51_200, 0), 60_000);
  assert.equal(nextBackoff(60_000, 0), 60_000);
});

test('on-failure:N stops after N restarts; cancel ends a pending wait', async () => {
  const rm = new RestartManager({ Name: 'on-failure', MaximumRetryCount: 2 });
  assert.equal(rm.shouldRestart(1, false, 0), true);
  assert.equal(rm.currentDelayMs, 100);
  assert.equal(await rm.wait(), true);
  assert.equal(rm.shouldRestart(1, false, 0), true);
  assert.equal(rm.currentDelayMs, 200);
  const waiting = rm.wait();
  rm.cancel();
  assert.equal(await waiting, false);
  assert.equal(rm.shouldRestart(1, false, 0), false);
  const again = new RestartManager({ Name: 'on-failure', MaximumRetryCount: 1 });
  assert.equal(again.shouldRestart(1, false, 0), true);
  assert.equal(again.shouldRestart(1, false, 0), false, 'an armed manager does not decide twice');
});

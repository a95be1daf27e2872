import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from './index.js';

test('a live subscription with until ends even when its timer fires before the wall clock gets there', async () => {
  const bus = new EventBus();
  const realNow = Date.now;
  let skew = 15; // the clock reads ahead while the timer is armed, so the timer fires ~15 ms early
  Date.now = () => realNow() + skew;
  try {
    const untilNs = (realNow() + 20) * 1_000_000;
    const done = (async () => { for await (const ev of bus.subscribe({ untilNs })) void ev; })();
    setImmediate(() => { skew = 0; });
    let t: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((r) => { t = setTimeout(() => r('hung'), 1000); });
    assert.equal(await Promise.race([done.then(() => 'ended'), timeout]), 'ended');
    clearTimeout(t);
  } finally {
    Date.now = realNow;
  }
});

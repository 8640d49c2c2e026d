/**
 * Test-only, preloaded with `node --require` by e2e/support/loopback-pigeon.ts: Date.now() runs
 * PIGEON_E2E_CLOCK_SHIFT_MS ahead, as if that much time had passed while Pigeon was stopped.
 * The engine's clock (electron/engine/clock.ts) reads Date.now(), so its outbox expires what
 * waited too long. Never part of the product: only the e2e suite starts Node with it.
 */
'use strict';

const shift = Number(process.env.PIGEON_E2E_CLOCK_SHIFT_MS);
if (Number.isFinite(shift) && shift !== 0) {
  const realNow = Date.now.bind(Date);
  Date.now = () => realNow() + shift;
}

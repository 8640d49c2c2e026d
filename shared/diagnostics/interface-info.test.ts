import { describe, expect, it } from 'vitest';
import { describeInterface } from './interface-info';
import { eth0, lo, wifi } from './testing/sample-interfaces';

describe('describeInterface', () => {
  it('the limited broadcast announces on every external interface; a bound address listens on one', () => {
    const ctx = { bind: '10.20.30.40', broadcastTargets: ['255.255.255.255'] };
    expect(describeInterface(eth0, ctx, () => null)).toMatchObject({
      announced: true,
      listening: false,
    });
    expect(describeInterface(wifi, ctx, () => null)).toMatchObject({
      announced: true,
      listening: true,
    });
    expect(describeInterface(lo, ctx, () => null)).toMatchObject({ announced: false });
  });
});

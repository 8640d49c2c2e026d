import { describe, expect, it } from 'vitest';
import { describeInterface } from './interface-info';

const eth0 = {
  name: 'eth0',
  address: '192.168.1.23',
  netmask: '255.255.255.0',
  broadcast: '192.168.1.255',
  internal: false,
};
const wifi = {
  name: 'wlan0',
  address: '10.20.30.40',
  netmask: '255.255.240.0',
  broadcast: '10.20.31.255',
  internal: false,
};
const lo = {
  name: 'lo',
  address: '127.0.0.1',
  netmask: '255.0.0.0',
  broadcast: '127.255.255.255',
  internal: true,
};

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

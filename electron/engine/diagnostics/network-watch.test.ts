import { describe, expect, it } from 'vitest';
import type { Ipv4Interface } from '../../../shared/net/ipv4';
import { FakeClock } from '../testing/fake-clock';
import { NetworkWatch, type NetworkChange } from './network-watch';

const eth = (address: string): Ipv4Interface => ({
  name: 'eth0',
  address,
  netmask: '255.255.255.0',
  broadcast: address.replace(/\d+$/, '255'),
  internal: false,
});

function setup() {
  const clock = new FakeClock(0);
  let list = [eth('192.168.1.5')];
  const changes: NetworkChange[] = [];
  const watch = new NetworkWatch({ clock, list: () => list, onChange: (c) => changes.push(c) });
  return { clock, watch, changes, set: (l: Ipv4Interface[]) => (list = l) };
}

describe('NetworkWatch', () => {
  it('reports nothing while nothing changes', async () => {
    const t = setup();
    t.watch.start();
    await t.clock.advance(60_000);
    expect(t.changes).toEqual([]);
  });

  it('notices an address that comes and goes (joining another network)', async () => {
    const t = setup();
    t.watch.start();
    t.set([eth('10.0.0.7')]);
    await t.clock.advance(5000);
    expect(t.changes).toEqual([
      { reason: 'addresses', added: ['eth0 10.0.0.7/24'], removed: ['eth0 192.168.1.5/24'] },
    ]);
    t.set([]);
    await t.clock.advance(5000);
    expect(t.changes.at(-1)).toEqual({
      reason: 'addresses',
      added: [],
      removed: ['eth0 10.0.0.7/24'],
    });
  });

  it('treats a timer that fires far too late as a wake from sleep', async () => {
    const t = setup();
    t.watch.start();
    await t.clock.advance(4000);
    t.clock.jump(3_600_000); // an hour asleep: the wall clock moved, the timer did not fire
    await t.clock.advance(1000);
    expect(t.changes).toEqual([{ reason: 'resume', added: [], removed: [] }]);
  });

  it('poke("resume") from the shell re-announces at once; stop() ends polling', async () => {
    const t = setup();
    t.watch.start();
    t.watch.poke('resume');
    expect(t.changes).toHaveLength(1);
    t.watch.stop();
    t.set([]);
    await t.clock.advance(60_000);
    expect(t.changes).toHaveLength(1);
    expect(t.clock.pending()).toBe(0);
  });
});

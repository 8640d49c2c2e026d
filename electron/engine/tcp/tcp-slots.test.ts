import { describe, expect, it } from 'vitest';
import { ConnectionSlots } from './tcp-slots';

describe('ConnectionSlots', () => {
  it('gives each address its share and keeps a total', () => {
    const slots = new ConnectionSlots({ maxConnections: 3, maxPerAddress: 2 });
    expect(slots.take('10.0.0.1')).toBeUndefined();
    expect(slots.take('10.0.0.1')).toBeUndefined();
    expect(slots.take('10.0.0.1')).toBe('address-full');
    expect(slots.take('10.0.0.2')).toBeUndefined();
    expect(slots.take('10.0.0.3')).toBe('service-full');
    expect(slots.size).toBe(3);
    slots.release('10.0.0.1');
    expect(slots.take('10.0.0.3')).toBeUndefined();
    expect(slots.take('10.0.0.1')).toBe('service-full');
  });

  it('ignores a release for an address that holds nothing', () => {
    const slots = new ConnectionSlots({ maxConnections: 1, maxPerAddress: 1 });
    slots.release('10.0.0.9');
    expect(slots.size).toBe(0);
    expect(slots.take('10.0.0.1')).toBeUndefined();
    expect(slots.take('10.0.0.2')).toBe('service-full');
  });
});

import { describe, expect, it } from 'vitest';
import { COOKIE_EPOCH_MS, ProbeBackCookies } from './probe-back-cookie';

describe('probe-back cookies', () => {
  const jar = new ProbeBackCookies();
  const t = 10 * COOKIE_EPOCH_MS + 5;
  const cookie = jar.issue('10.0.0.1', 2425, 'abcdef01', t);

  it('are 16 hex digits, and good for their address, port and run alone', () => {
    expect(cookie).toMatch(/^[0-9a-f]{16}$/);
    expect(jar.verify(cookie, '10.0.0.1', 2425, 'abcdef01', t)).toBe(true);
    expect(jar.verify(cookie, '10.0.0.1', 2425, 'ABCDEF01', t)).toBe(true);
    expect(jar.verify(cookie, '10.0.0.2', 2425, 'abcdef01', t)).toBe(false);
    expect(jar.verify(cookie, '10.0.0.1', 2426, 'abcdef01', t)).toBe(false);
    expect(jar.verify(cookie, '10.0.0.1', 2425, 'abcdef02', t)).toBe(false);
    expect(jar.verify('0'.repeat(16), '10.0.0.1', 2425, 'abcdef01', t)).toBe(false);
    expect(jar.verify(cookie.slice(1), '10.0.0.1', 2425, 'abcdef01', t)).toBe(false);
  });

  it('go stale after one to two epochs', () => {
    expect(jar.verify(cookie, '10.0.0.1', 2425, 'abcdef01', t + COOKIE_EPOCH_MS)).toBe(true);
    expect(jar.verify(cookie, '10.0.0.1', 2425, 'abcdef01', t + 2 * COOKIE_EPOCH_MS)).toBe(false);
  });

  it('depend on a secret of their own engine', () => {
    const other = new ProbeBackCookies();
    expect(other.verify(cookie, '10.0.0.1', 2425, 'abcdef01', t)).toBe(false);
    const fixed = new ProbeBackCookies(new Uint8Array(32));
    expect(fixed.issue('10.0.0.1', 2425, 'abcdef01', t)).toBe(
      new ProbeBackCookies(new Uint8Array(32)).issue('10.0.0.1', 2425, 'abcdef01', t),
    );
  });
});

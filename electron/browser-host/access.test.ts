import { describe, expect, it } from 'vitest';
import { AccessPolicy, createToken, tokenMatches } from './access';

describe('tokens', () => {
  it('are long, URL-safe and different every time', () => {
    const a = createToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(createToken()).not.toBe(a);
  });

  it('match exactly, never by prefix, case or emptiness', () => {
    const t = createToken();
    expect(tokenMatches(t, t)).toBe(true);
    expect(tokenMatches(t, t.slice(0, -1))).toBe(false);
    expect(tokenMatches(t, `${t}x`)).toBe(false);
    expect(tokenMatches(t, t.toUpperCase() === t ? t.toLowerCase() : t.toUpperCase())).toBe(false);
    expect(tokenMatches(t, '')).toBe(false);
    expect(tokenMatches(t, null)).toBe(false);
    expect(tokenMatches(t, undefined)).toBe(false);
    expect(tokenMatches(t, 'x'.repeat(5000))).toBe(false);
  });
});

describe('AccessPolicy', () => {
  const policy = new AccessPolicy('secret', ['127.0.0.1', 'localhost'], 4321);

  it('accepts only its own origins and Host names', () => {
    expect(policy.originAllowed('http://127.0.0.1:4321')).toBe(true);
    expect(policy.originAllowed('http://localhost:4321')).toBe(true);
    expect(policy.originAllowed('http://127.0.0.1:4322')).toBe(false);
    expect(policy.originAllowed('https://127.0.0.1:4321')).toBe(false);
    expect(policy.originAllowed('http://127.0.0.1')).toBe(false);
    expect(policy.originAllowed('http://evil.example:4321')).toBe(false);
    expect(policy.originAllowed('null')).toBe(false);
    expect(policy.originAllowed(undefined)).toBe(false);
    expect(policy.hostAllowed('127.0.0.1:4321')).toBe(true);
    expect(policy.hostAllowed('rebound.example:4321')).toBe(false);
    expect(policy.hostAllowed(undefined)).toBe(false);
  });

  it('checks the token', () => {
    expect(policy.tokenAllowed('secret')).toBe(true);
    expect(policy.tokenAllowed('Secret')).toBe(false);
  });
});

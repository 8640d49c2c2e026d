import { describe, expect, it } from 'vitest';
import { explainBindError, StartError } from './start-error';

const errno = (code: string) => Object.assign(new Error(`bind ${code}`), { code });

describe('explainBindError', () => {
  it.each([
    ['EADDRINUSE', 'port-in-use', /already in use.*--port/],
    ['EADDRNOTAVAIL', 'address-unavailable', /not an address of this machine/],
    ['EACCES', 'bind-failed', /below 1024 needs privileges/],
    ['EWHATEVER', 'bind-failed', /cannot bind UDP 10\.0\.0\.1:2425: bind EWHATEVER/],
  ])('%s -> %s', (code, expected, message) => {
    const e = explainBindError(errno(code), 'UDP', '10.0.0.1', 2425);
    expect(e).toBeInstanceOf(StartError);
    expect(e.code).toBe(expected);
    expect(e.message).toMatch(message);
  });

  it('copes with a non-Error', () => {
    expect(explainBindError('boom', 'TCP', '0.0.0.0', 2425).message).toContain('boom');
    expect(explainBindError(undefined, 'TCP', '0.0.0.0', 2425).code).toBe('bind-failed');
  });
});

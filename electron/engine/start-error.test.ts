import { describe, expect, it } from 'vitest';
import { outcomeText } from '../../shared/model/texts';
import { explainBindError, StartError } from './start-error';

const errno = (code: string) => Object.assign(new Error(`bind ${code}`), { code });

describe('explainBindError', () => {
  it.each([
    ['EADDRINUSE', 'port-in-use', /Port 2425 is used by another program/],
    ['EADDRNOTAVAIL', 'address-unavailable', /not an address of this computer/],
    ['EACCES', 'bind-not-allowed', /below 1024 needs privileges/],
    ['EWHATEVER', 'bind-failed', /Cannot bind UDP 10\.0\.0\.1:2425: bind EWHATEVER/],
  ])('%s -> %s', (code, expected, message) => {
    const e = explainBindError(errno(code), 'UDP', '10.0.0.1', 2425);
    expect(e).toBeInstanceOf(StartError);
    expect(e.code).toBe(expected);
    expect(e.message).toMatch(message);
    // The code and values travel; any edge can say it in Chinese too.
    expect(outcomeText(e.outcome, 'zh-CN')).toMatch(/[\u4e00-\u9fff]/);
  });

  it('copes with a non-Error', () => {
    expect(explainBindError('boom', 'TCP', '0.0.0.0', 2425).message).toContain('boom');
    expect(explainBindError(undefined, 'TCP', '0.0.0.0', 2425).code).toBe('bind-failed');
  });
});

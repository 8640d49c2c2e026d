import { describe, expect, it } from 'vitest';
import type { Peer } from '../../../shared/model';
import { checkEchoForm, defaultEchoForm, echoRequest, resolveTarget } from './echo-form';

const bob = {
  id: '10.0.0.2:2425',
  address: '10.0.0.2',
  port: 2425,
  nick: 'Bob',
} as Peer;

describe('echo form', () => {
  it('resolves peer ids, addresses with or without a port, and nicks', () => {
    expect(resolveTarget('10.0.0.2:2425', [bob])).toMatchObject({ to: '10.0.0.2:2425', peer: bob });
    expect(resolveTarget(' 10.0.0.2 ', [bob])).toMatchObject({ to: '10.0.0.2', peer: bob });
    expect(resolveTarget('bob', [bob])).toMatchObject({ to: '10.0.0.2:2425', peer: bob });
    expect(resolveTarget('10.0.0.9:7', [bob])).toMatchObject({ to: '10.0.0.9:7', peer: undefined });
    expect(resolveTarget('', [bob])).toEqual({ error: { key: 'echo.errors.targetEmpty' } });
    expect(resolveTarget('10.0.0.300', [])).toEqual({
      error: { key: 'echo.errors.targetInvalid' },
    });
    expect(resolveTarget('10.0.0.3:0', [])).toEqual({ error: { key: 'echo.errors.portInvalid' } });
    expect(resolveTarget('alice', [bob])).toEqual({ error: { key: 'echo.errors.targetInvalid' } });
  });

  it('checks the numbers against the engine limits for the mode', () => {
    expect(checkEchoForm(defaultEchoForm).params).toEqual({
      mode: 'pigeon',
      count: 50,
      intervalMs: 200,
      size: 64,
      timeoutMs: 2000,
      probeBack: 0,
    });
    const ipmsg = checkEchoForm({
      ...defaultEchoForm,
      mode: 'ipmsg',
      intervalMs: '50',
      count: '2000',
      size: 'x',
    });
    expect(ipmsg.params).toBeUndefined();
    expect(ipmsg.errors).toEqual({
      count: { key: 'echo.errors.range', values: { min: 1, max: 1000 } },
      intervalMs: { key: 'echo.errors.range', values: { min: 100, max: 60000 } },
    });
    expect(checkEchoForm({ ...defaultEchoForm, count: '2.5', timeoutMs: '' }).errors).toEqual({
      count: { key: 'echo.errors.whole', values: { min: 1, max: 100000 } },
      timeoutMs: { key: 'echo.errors.number', values: { min: 1, max: 60000 } },
    });
    const both = checkEchoForm({ ...defaultEchoForm, count: '500', probeBack: true });
    expect(both.params?.probeBack).toBe(100);
    expect(
      checkEchoForm({ ...defaultEchoForm, mode: 'raw', probeBack: true }).params?.probeBack,
    ).toBe(0);
  });

  it('builds the request the contract accepts', () => {
    const p = checkEchoForm({ ...defaultEchoForm, mode: 'ipmsg', intervalMs: '250' }).params;
    expect(p && echoRequest('10.0.0.2', p)).toEqual({
      to: '10.0.0.2',
      mode: 'ipmsg',
      count: 50,
      intervalMs: 250,
      timeoutMs: 2000,
    });
  });
});

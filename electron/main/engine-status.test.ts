import { describe, expect, it } from 'vitest';
import type { Peer } from '../../shared/model';
import { EngineStatus } from './engine-status';

function peer(id: string, online = true): Peer {
  const [address = '', port = '2425'] = id.split(':');
  return {
    id,
    address,
    port: Number(port),
    nick: id,
    group: '',
    user: 'u',
    host: 'h',
    client: 'iptux',
    version: '1',
    encoding: 'utf-8',
    capabilities: { utf8: true, files: false, echo: false, proof: false, dialup: false },
    away: false,
    online,
    announced: true,
    lastSeen: 0,
  };
}

describe('engine status line', () => {
  it('follows start, peers coming and going, and stop', () => {
    const s = new EngineStatus();
    expect(s.line('en')).toBe('Offline');
    s.apply({
      channel: 'engine:ready',
      payload: {
        bind: '0.0.0.0',
        port: 2425,
        nick: 'alice',
        group: '',
        user: 'a',
        host: 'h',
        broadcast: [],
      },
    });
    expect(s.line('en')).toBe('Online as alice · 0 peers');
    expect(s.apply({ channel: 'peers:online', payload: peer('10.0.0.2:2425') })).toBe(true);
    s.apply({ channel: 'peers:online', payload: peer('10.0.0.3:2425') });
    expect(s.line('en')).toBe('Online as alice · 2 peers');
    s.apply({ channel: 'peers:changed', payload: peer('10.0.0.3:2425', false) });
    expect(s.line('en')).toBe('Online as alice · 1 peer');
    s.apply({ channel: 'peers:offline', payload: peer('10.0.0.2:2425', false) });
    expect(s.apply({ channel: 'peers:offline', payload: peer('10.0.0.2:2425', false) })).toBe(
      false,
    );
    s.apply({ channel: 'engine:stopped', payload: null });
    expect(s.line('en')).toBe('Offline');
  });

  it('says why the engine could not start', () => {
    const s = new EngineStatus();
    s.failed({ code: 'port-in-use', params: { port: 2425 } });
    expect(s.line('en')).toBe(
      'Offline: Port 2425 is used by another program (another IP Messenger …',
    );
  });
});

describe('engine status line in Chinese', () => {
  it('says online and offline, and why, in the language asked', () => {
    const s = new EngineStatus();
    expect(s.line('zh-CN')).toBe('离线');
    s.apply({
      channel: 'engine:ready',
      payload: {
        bind: '0.0.0.0',
        port: 2425,
        nick: '小王',
        group: '',
        user: 'a',
        host: 'h',
        broadcast: [],
      },
    });
    expect(s.line('zh-CN')).toBe('在线：小王 · 0 人在线');
    s.apply({ channel: 'peers:online', payload: peer('10.0.0.2:2425') });
    expect(s.line('zh-CN')).toBe('在线：小王 · 1 人在线');
    expect(s.line('en')).toBe('Online as 小王 · 1 peer');
    s.apply({ channel: 'engine:stopped', payload: null });
    s.failed({ code: 'port-in-use', params: { port: 2425 } });
    expect(s.line('zh-CN')).toMatch(/^离线：端口 2425 已被其他程序占用/);
    expect(s.line('en')).toMatch(/^Offline: Port 2425 is used by another program/);
  });
});

import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import type { AppSettings } from '../../../shared/contract';
import {
  formFrom,
  isBroadcastTarget,
  patchFrom,
  toggleBroadcastTarget,
  validateForm,
} from './settings-form';

const t = ((key: string) => key) as unknown as TFunction;
const settings: AppSettings = {
  nick: 'me',
  group: 'QA',
  user: 'me',
  host: 'box',
  bind: '0.0.0.0',
  port: 2425,
  broadcast: [],
  unicastHosts: ['10.1.2.0/24'],
  language: 'system',
  theme: 'system',
  away: false,
  awayMessage: '',
  doNotDisturb: false,
  notifications: true,
  startAtLogin: false,
  minimizeToTray: true,
};

describe('settings form', () => {
  it('patches only what changed', () => {
    const form = { ...formFrom(settings), nick: ' you ', unicastHosts: '10.1.2.0/24\n10.9.9.9\n' };
    expect(patchFrom(form, settings)).toEqual({
      nick: 'you',
      unicastHosts: ['10.1.2.0/24', '10.9.9.9'],
    });
    expect(patchFrom(formFrom(settings), settings)).toEqual({});
  });

  it('names each bad field', () => {
    const errors = validateForm(
      {
        ...formFrom(settings),
        nick: '',
        port: '70000',
        bind: 'any',
        broadcast: '1.2.3.4\nnope',
        unicastHosts: '10.0.0.0/8',
      },
      t,
    );
    expect(Object.keys(errors).sort()).toEqual([
      'bind',
      'broadcast',
      'nick',
      'port',
      'unicastHosts',
    ]);
    expect(validateForm(formFrom(settings), t)).toEqual({});
  });

  it('ticks interface broadcast addresses into the broadcast field', () => {
    const all = ['192.168.1.255', '192.168.31.255', '172.17.255.255'];
    // Empty means every interface: unticking one writes out the rest.
    expect(isBroadcastTarget('', '172.17.255.255')).toBe(true);
    expect(toggleBroadcastTarget('', '172.17.255.255', all)).toBe('192.168.1.255\n192.168.31.255');
    // Typed entries (even ones no interface has) stay, in order.
    const typed = '10.1.2.255\n192.168.1.255';
    expect(isBroadcastTarget(typed, '192.168.31.255')).toBe(false);
    expect(toggleBroadcastTarget(typed, '192.168.31.255', all)).toBe(
      '10.1.2.255\n192.168.1.255\n192.168.31.255',
    );
    expect(toggleBroadcastTarget(typed, '192.168.1.255', all)).toBe('10.1.2.255');
    expect(toggleBroadcastTarget('192.168.1.255', '192.168.1.255', all)).toBe('');
  });
});

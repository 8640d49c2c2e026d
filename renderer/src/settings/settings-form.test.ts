import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import type { AppSettings } from '../../../shared/contract';
import { formFrom, patchFrom, validateForm } from './settings-form';

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
});

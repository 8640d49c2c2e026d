import { describe, expect, it } from 'vitest';
import { isSettingsFileProblem } from './settings-problems';

describe('isSettingsFileProblem', () => {
  it('tells settings.json problems from the network ones', () => {
    const file = '/home/u/.pigeon/settings.json';
    expect(isSettingsFileProblem({ code: 'settings-corrupt', params: { file } })).toBe(true);
    expect(isSettingsFileProblem({ code: 'settings-newer', params: { file } })).toBe(true);
    expect(isSettingsFileProblem({ code: 'packet-counter', params: { file } })).toBe(false);
    expect(isSettingsFileProblem({ code: 'bind-failed', params: {} })).toBe(false);
  });
});

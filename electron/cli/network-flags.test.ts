import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { settingsFromFlags } from './network-flags';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-flags-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe.runIf(process.platform !== 'win32')('settingsFromFlags: the data directory', () => {
  it('is made owner-only on start, with a notice', () => {
    const data = tmp();
    fs.chmodSync(data, 0o755);
    const r = settingsFromFlags({ data, broadcast: ['127.0.0.2'] });
    expect(fs.statSync(data).mode & 0o777).toBe(0o700);
    expect(r.notice).toBe(`${data} was open to other users (mode 0755); made it owner-only (0700)`);
    expect(settingsFromFlags({ data, broadcast: ['127.0.0.2'] }).notice).toBeUndefined();
  });

  it('is not created just by reading settings', () => {
    const data = path.join(tmp(), 'not-yet');
    expect(settingsFromFlags({ data, broadcast: ['127.0.0.2'] }).notice).toBeUndefined();
    expect(fs.existsSync(data)).toBe(false);
  });
});

// The browser host asks for a nick first (app:info firstRun) exactly when nickConfigured is false.
describe('settingsFromFlags: is a nick configured?', () => {
  it('no: neither --nick nor a saved nick', () => {
    const r = settingsFromFlags({ data: tmp(), broadcast: ['127.0.0.2'] });
    expect(r.nickConfigured).toBe(false);
    expect(r.settings.nick).toBeTruthy(); // the login name, as a suggestion
  });

  it('yes: --nick', () => {
    const r = settingsFromFlags({ data: tmp(), nick: '小王', broadcast: ['127.0.0.2'] });
    expect(r).toMatchObject({ nickConfigured: true, settings: { nick: '小王' } });
  });

  it('yes: a nick saved in settings.json earlier', () => {
    const data = tmp();
    fs.writeFileSync(path.join(data, 'settings.json'), JSON.stringify({ nick: 'saved' }));
    const r = settingsFromFlags({ data, broadcast: ['127.0.0.2'] });
    expect(r).toMatchObject({ nickConfigured: true, settings: { nick: 'saved' } });
  });
});

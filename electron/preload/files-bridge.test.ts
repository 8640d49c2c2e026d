import { describe, expect, it } from 'vitest';
import type { IpcRenderer } from 'electron';
import { LIMITS, STAGE_DROPPED_CHANNEL } from '../../shared/contract';
import { createPigeonFiles } from './files-bridge';
import { FakeIpcRenderer, FakeWebUtils } from '../main/test/fake-electron';

function setup() {
  const ipc = new FakeIpcRenderer();
  const webUtils = new FakeWebUtils();
  const files = createPigeonFiles(ipc as unknown as IpcRenderer, (f) => webUtils.getPathForFile(f));
  return { ipc, webUtils, files };
}

const picked = { pick: 'p1', name: 'a.txt', kind: 'file', size: 1 };

describe('window.pigeonFiles in the desktop app', () => {
  it('sends the paths of dropped files to main and answers main’s picks', async () => {
    const { ipc, webUtils, files } = setup();
    ipc.reply = () => ({ ok: true, value: [picked, { ...picked, pick: 'p2' }] });
    const reply = await files.stage([
      webUtils.diskFile('/home/a/a.txt'),
      webUtils.diskFile('/home/a/b.txt'),
    ]);
    expect(reply).toEqual({ ok: true, value: [picked, { ...picked, pick: 'p2' }] });
    expect(ipc.invoked).toEqual([
      { channel: STAGE_DROPPED_CHANNEL, args: [['/home/a/a.txt', '/home/a/b.txt']] },
    ]);
  });

  it('refuses a File made by script (no file on disk), and sends nothing', async () => {
    const { ipc, webUtils, files } = setup();
    const made = new File(['not on disk'], 'made.txt');
    expect(await files.stage([webUtils.diskFile('/home/a/a.txt'), made])).toEqual({
      ok: false,
      error: { code: 'not-on-disk', message: expect.stringContaining('"made.txt"') },
    });
    expect(ipc.invoked).toEqual([]);
  });

  it('refuses what is not a list of Files', async () => {
    const { ipc, files } = setup();
    for (const bad of [null, 'x', [{ name: 'a.txt', path: '/etc/passwd' }], ['/etc/passwd']]) {
      expect(await files.stage(bad as never)).toMatchObject({
        ok: false,
        error: { code: 'invalid-request' },
      });
    }
    const many = Array.from({ length: LIMITS.offerItems + 1 }, () => new File([], 'a'));
    expect(await files.stage(many)).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    expect(ipc.invoked).toEqual([]);
  });

  it('answers an empty drop without asking main', async () => {
    const { ipc, files } = setup();
    expect(await files.stage([])).toEqual({ ok: true, value: [] });
    expect(ipc.invoked).toEqual([]);
  });

  it('reports a broken or odd reply as an envelope, not a rejection', async () => {
    const { ipc, webUtils, files } = setup();
    ipc.reply = () => {
      throw new Error("No handler registered for 'files:stage-dropped'");
    };
    expect(await files.stage([webUtils.diskFile('/a')])).toMatchObject({
      ok: false,
      error: { code: 'transport', message: expect.stringContaining('No handler') },
    });
    ipc.reply = () => ['/a'];
    expect(await files.stage([webUtils.diskFile('/a')])).toMatchObject({
      ok: false,
      error: { code: 'transport' },
    });
  });

  it('offers stage() only, frozen, and no downloadUrl', () => {
    const { files } = setup();
    expect(Object.keys(files)).toEqual(['stage']);
    expect(Object.isFrozen(files)).toBe(true);
  });
});

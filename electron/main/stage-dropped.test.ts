import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { LIMITS, STAGE_DROPPED_CHANNEL } from '../../shared/contract';
import { PickRegistry } from '../engine/files/picks';
import { createSenderCheck } from './sender-check';
import { setupStageDropped } from './stage-dropped';
import { FakeBrowserWindow, FakeFrame, FakeIpcMain } from './test/fake-electron';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-stage-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function setup() {
  const ipcMain = new FakeIpcMain();
  const win = new FakeBrowserWindow({});
  win.webContents.mainFrame.url = 'app://pigeon/index.html';
  // The engine's real registry, and the real sender check the contract channels use.
  const picks = new PickRegistry(() => Date.now());
  const added: string[] = [];
  const refused: string[] = [];
  const dispose = setupStageDropped({
    ipcMain: ipcMain as unknown as IpcMain,
    isTrustedSender: createSenderCheck(() => win as never),
    addPick: (p) => {
      added.push(p);
      return picks.add(p);
    },
    onRefused: (channel: string, _event: IpcMainInvokeEvent) => refused.push(channel),
  });
  const ours = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
  const stage = (payload: unknown, from: unknown = ours) =>
    ipcMain.invoke(STAGE_DROPPED_CHANNEL, from, payload);
  return { ipcMain, win, picks, added, refused, dispose, stage, ours };
}

describe('staging dropped files in main', () => {
  it('registers each dropped path as a pick and answers the picks, not the paths', async () => {
    const { stage, picks } = setup();
    const file = path.join(dir, 'notes.txt');
    fs.writeFileSync(file, 'hello');
    fs.mkdirSync(path.join(dir, 'album'));
    fs.writeFileSync(path.join(dir, 'album', 'a.jpg'), '1234567');
    const reply = (await stage([file, path.join(dir, 'album')])) as {
      ok: true;
      value: { pick: string }[];
    };
    expect(reply).toEqual({
      ok: true,
      value: [
        { pick: expect.any(String), name: 'notes.txt', kind: 'file', size: 5 },
        { pick: expect.any(String), name: 'album', kind: 'folder', size: 7 },
      ],
    });
    expect(JSON.stringify(reply)).not.toContain(dir);
    expect(picks.get(reply.value[0]?.pick ?? '')?.path).toBe(file);
  });

  it('refuses untrusted senders before looking at the payload', async () => {
    const { stage, win, added, refused } = setup();
    const file = path.join(dir, 'secret.txt');
    fs.writeFileSync(file, 's');
    const senders = [
      { sender: win.webContents, senderFrame: null },
      { sender: win.webContents, senderFrame: win.webContents.mainFrame.child('app://pigeon/') },
      { sender: win.webContents, senderFrame: new FakeFrame('app://pigeon/index.html') },
    ];
    for (const from of senders) {
      expect(await stage([file], from)).toEqual({
        ok: false,
        error: {
          code: 'untrusted-sender',
          message: expect.stringContaining(STAGE_DROPPED_CHANNEL),
        },
      });
    }
    win.webContents.mainFrame.url = 'https://example.org/';
    expect(await stage([file])).toMatchObject({ ok: false, error: { code: 'untrusted-sender' } });
    expect(added).toEqual([]);
    expect(refused).toHaveLength(4);
  });

  it('refuses payloads that are not a bounded list of absolute paths', async () => {
    const { stage, added } = setup();
    for (const payload of [
      null,
      '/etc/passwd',
      { 0: '/etc/passwd' },
      [42],
      [''],
      ['relative/file.txt'],
      ['/tmp/a\0b'],
      ['/' + 'a'.repeat(40_000)],
      Array.from({ length: LIMITS.offerItems + 1 }, (_, i) => `/tmp/${i}`),
    ]) {
      expect(await stage(payload), JSON.stringify(payload).slice(0, 40)).toMatchObject({
        ok: false,
        error: { code: 'invalid-request' },
      });
    }
    expect(added).toEqual([]);
  });

  it('answers the registry’s error as an envelope with its code', async () => {
    const { stage } = setup();
    expect(await stage([path.join(dir, 'gone.txt')])).toEqual({
      ok: false,
      error: { code: 'not-found', message: expect.stringContaining('cannot be offered') },
    });
  });

  it('unhooks its channel when disposed', () => {
    const { ipcMain, dispose } = setup();
    expect([...ipcMain.handlers.keys()]).toEqual([STAGE_DROPPED_CHANNEL]);
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });
});

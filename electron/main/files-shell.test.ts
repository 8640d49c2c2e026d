import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BaseWindow, Dialog, Shell } from 'electron';
import { createFilesShell, runsAsProgram } from './files-shell';
import { createFakeElectron, FakeBrowserWindow } from './test/fake-electron';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-files-shell-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function setup(win?: FakeBrowserWindow) {
  const electron = createFakeElectron();
  const filesShell = createFilesShell({
    dialog: electron.dialog as unknown as Dialog,
    shell: electron.shell as unknown as Shell,
    getWindow: () => win as unknown as BaseWindow | undefined,
  });
  return { electron, filesShell };
}

function write(name: string): string {
  const full = path.join(dir, name);
  fs.writeFileSync(full, 'data');
  return full;
}

describe('files shell: choose', () => {
  it('answers nothing when the person cancels', async () => {
    const { electron, filesShell } = setup();
    electron.dialog.answer = { canceled: true, filePaths: [] };
    expect(await filesShell.choose('files')).toEqual([]);
    expect(electron.dialog.opened).toHaveLength(1);
  });

  it('answers one chosen file, and many, from a multi-select file dialog modal on the window', async () => {
    const win = new FakeBrowserWindow({});
    const { electron, filesShell } = setup(win);
    electron.dialog.answer = { canceled: false, filePaths: ['/home/a/one.txt'] };
    expect(await filesShell.choose('files')).toEqual(['/home/a/one.txt']);
    electron.dialog.answer = { canceled: false, filePaths: ['/home/a/1.txt', '/home/a/2.txt'] };
    expect(await filesShell.choose('files')).toEqual(['/home/a/1.txt', '/home/a/2.txt']);
    expect(electron.dialog.opened[0]?.window).toBe(win);
    expect(electron.dialog.opened[0]?.options.properties).toEqual(['openFile', 'multiSelections']);
  });

  it('asks for one folder with a folder dialog', async () => {
    const { electron, filesShell } = setup();
    electron.dialog.answer = { canceled: false, filePaths: ['/home/a/photos'] };
    expect(await filesShell.choose('folder')).toEqual(['/home/a/photos']);
    expect(electron.dialog.opened[0]).toMatchObject({
      window: undefined,
      options: { properties: ['openDirectory'] },
    });
  });

  it('does not attach the dialog to a destroyed window', async () => {
    const win = new FakeBrowserWindow({});
    win.destroyed = true;
    const { electron, filesShell } = setup(win);
    await filesShell.choose('files');
    expect(electron.dialog.opened[0]?.window).toBeUndefined();
  });

  it('refuses a second dialog while one is open, and opens again after', async () => {
    const { electron, filesShell } = setup();
    let finish: (v: { canceled: boolean; filePaths: string[] }) => void = () => undefined;
    electron.dialog.showOpenDialog = () => new Promise((resolve) => (finish = resolve));
    const first = filesShell.choose('files');
    await expect(filesShell.choose('folder')).rejects.toMatchObject({ code: 'busy' });
    finish({ canceled: false, filePaths: ['/a'] });
    expect(await first).toEqual(['/a']);
    electron.dialog.showOpenDialog = () => Promise.resolve({ canceled: true, filePaths: [] });
    expect(await filesShell.choose('files')).toEqual([]);
  });
});

describe('files shell: open', () => {
  it('opens a file with the desktop, or shows it in its folder', async () => {
    const { electron, filesShell } = setup();
    const file = write('report.pdf');
    await filesShell.open(file, false);
    await filesShell.open(file, true);
    expect(electron.shell.files).toEqual([
      { path: file, reveal: false },
      { path: file, reveal: true },
    ]);
  });

  it('turns openPath’s error string into a clear error', async () => {
    const { electron, filesShell } = setup();
    electron.shell.openPathFailure = 'No application is associated with the specified file';
    await expect(filesShell.open(write('data.xyz'), false)).rejects.toMatchObject({
      code: 'open-failed',
      message: 'could not open data.xyz: No application is associated with the specified file',
    });
  });

  it('says so when the file is gone, without asking the desktop', async () => {
    const { electron, filesShell } = setup();
    const gone = path.join(dir, 'moved.txt');
    for (const reveal of [false, true]) {
      await expect(filesShell.open(gone, reveal)).rejects.toMatchObject({
        code: 'not-found',
        message: expect.stringContaining('moved.txt is no longer there'),
      });
    }
    expect(electron.shell.files).toEqual([]);
  });

  it('refuses a relative path', async () => {
    const { filesShell } = setup();
    await expect(filesShell.open('report.pdf', false)).rejects.toMatchObject({
      code: 'invalid-request',
    });
  });

  it('never runs a program a peer sent, but will show it in its folder', async () => {
    const { electron, filesShell } = setup();
    const program = write('invoice.pdf.exe');
    await expect(filesShell.open(program, false)).rejects.toMatchObject({ code: 'open-refused' });
    expect(electron.shell.files).toEqual([]);
    await filesShell.open(program, true);
    expect(electron.shell.files).toEqual([{ path: program, reveal: true }]);
  });
});

describe('runsAsProgram', () => {
  it('knows programs, scripts and shortcuts on each platform, whatever the case', () => {
    for (const name of [
      'a.exe',
      'a.EXE',
      'a.bat',
      'a.lnk',
      'a.ps1',
      'a.js',
      'a.exe. ',
      'a.exe...',
      'Tool.app',
      'run.command',
      'x.desktop',
      'x.AppImage',
      'install.sh',
    ]) {
      expect(runsAsProgram(`/d/${name}`), name).toBe(true);
    }
  });

  it('lets documents, pictures and folders open', () => {
    for (const name of ['a.pdf', 'a.txt', 'photo.jpg', 'exe', 'notes', 'a.exe.txt', '.bashrc']) {
      expect(runsAsProgram(`/d/${name}`), name).toBe(false);
    }
  });
});

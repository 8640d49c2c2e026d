import fs from 'node:fs/promises';
import path from 'node:path';
import type { BaseWindow, Dialog, OpenDialogOptions, Shell } from 'electron';
import { ContractError } from '../../shared/contract';
import type { FilesShell } from '../engine/files/files';

export interface FilesShellDeps {
  dialog: Pick<Dialog, 'showOpenDialog'>;
  shell: Pick<Shell, 'openPath' | 'showItemInFolder'>;
  /** The main window, when there is one: the dialog is modal on it. */
  getWindow: () => BaseWindow | undefined;
}

/**
 * Names that the desktop would run, not show, when "opened": programs, scripts, shortcuts,
 * installers, registry files and app bundles on Windows, macOS and Linux. A peer chooses the
 * names of what we receive, so one click on "Open" must never start a program a stranger sent;
 * those get "Show in folder" instead, where the person's file manager is the judge.
 */
const RUNS_AS_PROGRAM = new Set(
  [
    // Windows
    'exe com bat cmd scr pif cpl msi msp msix msixbundle appx appxbundle appref-ms application',
    'lnk url scf reg inf hta js jse vbs vbe wsf wsh ps1 psm1 psd1 msc gadget jar',
    'settingcontent-ms library-ms search-ms',
    // macOS
    'app command tool terminal workflow action pkg mpkg scpt fileloc webloc inetloc',
    // Linux
    'desktop appimage run sh bin flatpakref snap',
  ]
    .flatMap((line) => line.split(' '))
    .map((ext) => `.${ext}`),
);

/** The extension that decides what the desktop does with a name ('' when it has none). */
function lastExtension(name: string): string {
  // Windows ignores trailing dots and spaces: `a.exe. ` runs as `a.exe`.
  const trimmed = name.replace(/[. ]+$/, '');
  return path.extname(trimmed).toLowerCase();
}

export function runsAsProgram(target: string): boolean {
  return RUNS_AS_PROGRAM.has(lastExtension(path.basename(target)));
}

/**
 * The native side of file transfer for the engine's files capability: a file or folder dialog,
 * and opening (or showing) a transferred file. The engine calls these only from its
 * `files:choose` and `files:open` handlers, in answer to a contract request that the IPC adapter
 * let through after the sender check (sender-check.ts); so only our own page, by the person's
 * click, opens a dialog, and `open` only ever gets a path from the engine's own transfer table
 * (what we saved or what we offered), never one the page wrote.
 */
export function createFilesShell(deps: FilesShellDeps): FilesShell {
  let dialogOpen = false;
  return {
    async choose(kind) {
      // A page that asks again while a dialog is up gets an answer, not a pile of dialogs.
      if (dialogOpen) throw new ContractError('busy', 'a file dialog is already open');
      const options: OpenDialogOptions = {
        title: kind === 'folder' ? 'Choose a folder to send' : 'Choose files to send',
        buttonLabel: 'Choose',
        properties: kind === 'folder' ? ['openDirectory'] : ['openFile', 'multiSelections'],
      };
      dialogOpen = true;
      try {
        const win = deps.getWindow();
        const answer =
          win && !win.isDestroyed()
            ? await deps.dialog.showOpenDialog(win, options)
            : await deps.dialog.showOpenDialog(options);
        return answer.canceled ? [] : [...answer.filePaths];
      } finally {
        dialogOpen = false;
      }
    },

    async open(target, reveal) {
      const name = path.basename(target) || target;
      if (!path.isAbsolute(target))
        throw new ContractError('invalid-request', `${name}: not an absolute path`);
      try {
        await fs.stat(target);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? String(error);
        throw new ContractError('not-found', `${name} is no longer there (${code})`);
      }
      if (reveal) {
        deps.shell.showItemInFolder(target);
        return;
      }
      if (runsAsProgram(target)) {
        throw new ContractError(
          'open-refused',
          `${name} would run as a program, so Pigeon does not open it: show it in its folder instead`,
        );
      }
      // openPath reports failure as a message, not a rejection ('' means it worked).
      const failure = await deps.shell.openPath(target);
      if (failure !== '')
        throw new ContractError('open-failed', `could not open ${name}: ${failure}`);
    },
  };
}

import os from 'node:os';
import path from 'node:path';

/**
 * The one data directory the app and the `pigeon` command share, so that a command finds the
 * engine the app runs on it (cli/control): `~/.pigeon` on every platform. Not Electron's
 * userData: that is Chromium's profile too (caches, GPU and storage folders) and the CLI has no
 * business there, its macOS and Windows paths are long and hold spaces, which the control
 * socket's ~104-byte path limit and the command line both dislike, and `~/.pigeon` is what the
 * CLI has always used and documented. `home` is for tests and the app (Electron's 'home').
 */
export function defaultDataDir(home: string = os.homedir()): string {
  return path.join(home, '.pigeon');
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The data directory holds who someone is and talks to (settings now; history and received files
 * later). Other accounts on the same machine have no business reading it, so Pigeon keeps it
 * owner-only: the directory 0700, every file it writes there 0600.
 */
export const DATA_DIR_MODE = 0o700;
export const DATA_FILE_MODE = 0o600;

/** What checking the directory's permissions found, and did. */
export type DataDirCheck =
  | { outcome: 'private' }
  | { outcome: 'missing' }
  /** Windows: permissions are ACLs there, which mode bits neither show nor change. */
  | { outcome: 'not-applicable' }
  | { outcome: 'tightened'; from: number }
  /** Group/world can get in, but the directory is not Pigeon's to change (see isShared). */
  | { outcome: 'left-shared'; mode: number }
  | { outcome: 'failed'; mode: number; message: string };

export interface DataDirEnv {
  platform?: NodeJS.Platform;
  /** The home directory, which is never chmod-ed (default os.homedir()). */
  home?: string;
}

/**
 * Makes an existing data directory owner-only if group or others can reach it. A directory
 * that is plainly not Pigeon's own (someone's `--data ~` or `--data /tmp`) is left alone: taking
 * other users out of a home or a shared directory would break more than it protects.
 */
export function secureDataDir(dir: string, env: DataDirEnv = {}): DataDirCheck {
  if ((env.platform ?? process.platform) === 'win32') return { outcome: 'not-applicable' };
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    return { outcome: 'missing' };
  }
  const mode = stat.mode & 0o7777;
  if ((mode & 0o077) === 0) return { outcome: 'private' };
  if (isShared(dir, stat, env.home ?? os.homedir())) return { outcome: 'left-shared', mode };
  try {
    fs.chmodSync(dir, DATA_DIR_MODE);
    return { outcome: 'tightened', from: mode };
  } catch (error) {
    return { outcome: 'failed', mode, message: (error as Error).message };
  }
}

/** Creates the data directory owner-only (and any missing parents), or secures it if it exists. */
export function ensureDataDir(dir: string, env: DataDirEnv = {}): DataDirCheck {
  fs.mkdirSync(dir, { recursive: true, mode: DATA_DIR_MODE });
  return secureDataDir(dir, env);
}

/**
 * Writes a file in the data directory owner-only and atomically (temp file + rename, so a crash
 * cannot leave half a file). The temp file is created fresh, so its mode is ours whatever lay there.
 * `durable` also flushes the file (and, where the system allows, the directory) to disk before
 * returning, so that a power cut right after cannot bring the old content back.
 */
export function writeDataFile(
  file: string,
  data: string,
  options: { durable?: boolean } = {},
): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.rmSync(tmp, { force: true });
  if (!options.durable) {
    fs.writeFileSync(tmp, data, { mode: DATA_FILE_MODE, flag: 'wx' });
    fs.renameSync(tmp, file);
    return;
  }
  const fd = fs.openSync(tmp, 'wx', DATA_FILE_MODE);
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  syncDirectory(path.dirname(file));
}

/** Makes a rename in `dir` durable; not possible on Windows (a directory cannot be opened). */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // The rename happened; only its durability across a power cut is not guaranteed here.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** One line for the person running Pigeon, when the check did or found something worth saying. */
export function describeDataDirCheck(dir: string, check: DataDirCheck): string | undefined {
  switch (check.outcome) {
    case 'tightened':
      return `${dir} was open to other users (mode ${octal(check.from)}); made it owner-only (${octal(DATA_DIR_MODE)})`;
    case 'left-shared':
      return `${dir} is open to other users (mode ${octal(check.mode)}) and is not Pigeon's own directory, so it was left as it is; give Pigeon a directory of its own with --data`;
    case 'failed':
      return `${dir} is open to other users (mode ${octal(check.mode)}) and could not be made owner-only: ${check.message}`;
    default:
      return undefined;
  }
}

/** Sticky (like /tmp), someone else's, the home directory or one above it, or a root. */
function isShared(dir: string, stat: fs.Stats, home: string): boolean {
  const resolved = path.resolve(dir);
  if (stat.mode & 0o1000) return true;
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) return true;
  const fromHere = path.relative(resolved, path.resolve(home));
  const holdsHome = !fromHere.startsWith('..') && !path.isAbsolute(fromHere);
  return holdsHome || resolved === path.parse(resolved).root;
}

function octal(mode: number): string {
  return `0${mode.toString(8)}`;
}

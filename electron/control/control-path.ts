import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** In the data directory, when the path fits (see MAX_SOCKET_PATH_BYTES). */
export const CONTROL_SOCKET_FILE = 'control.sock';

/**
 * A Unix socket's path must fit sockaddr_un.sun_path: 108 bytes on Linux, 104 on macOS and the
 * BSDs, the terminating NUL included. 103 fits all of them.
 */
export const MAX_SOCKET_PATH_BYTES = 103;

export interface ControlPathEnv {
  platform?: NodeJS.Platform;
  /** $XDG_RUNTIME_DIR (Linux: /run/user/UID, owner-only and the system's own). */
  runtimeDir?: string | undefined;
  tmpDir?: string;
  uid?: number;
  user?: string;
}

export type ControlPath =
  /** `DATA/control.sock`: owner-only because the data directory is (0700). */
  | { kind: 'in-data-dir'; path: string }
  /**
   * A deep data directory whose socket path would not fit: `RUNTIME/pigeon-UID/HASH.sock`, in a
   * folder Pigeon makes owner-only and checks before use (see privateSocketDir).
   */
  | { kind: 'private-dir'; path: string; dir: string }
  /** Windows: a named pipe, `\\.\pipe\pigeon-USER-HASH` (no file, no length problem). */
  | { kind: 'pipe'; path: string };

/**
 * Where the engine serving `dataDir` listens for the CLI. One path per data directory, so the
 * data directory names the engine: a command with `--data D` finds the one running on D.
 */
export function controlPath(dataDir: string, env: ControlPathEnv = {}): ControlPath {
  const full = path.resolve(dataDir);
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 24);
  if ((env.platform ?? process.platform) === 'win32') {
    const user = (env.user ?? safeUser()).replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64);
    return { kind: 'pipe', path: `\\\\.\\pipe\\pigeon-${user}-${hash}` };
  }
  const inData = path.join(full, CONTROL_SOCKET_FILE);
  if (Buffer.byteLength(inData) <= MAX_SOCKET_PATH_BYTES)
    return { kind: 'in-data-dir', path: inData };
  const uid = env.uid ?? process.getuid?.() ?? 0;
  const base = env.runtimeDir || env.tmpDir || os.tmpdir();
  const dir = path.join(base, `pigeon-${uid}`);
  return { kind: 'private-dir', dir, path: path.join(dir, `${hash}.sock`) };
}

/** The environment's own values, for callers outside tests. */
export function processControlEnv(): ControlPathEnv {
  return { runtimeDir: process.env.XDG_RUNTIME_DIR };
}

/**
 * The folder of a 'private-dir' socket, made owner-only if new. It lives in a shared place
 * (/tmp when there is no XDG_RUNTIME_DIR), so anyone could have made it first: it is used only
 * when it is a real folder (not a link), ours, and closed to group and others. Otherwise throws.
 */
export function privateSocketDir(dir: string, uid = process.getuid?.() ?? 0): void {
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const st = fs.lstatSync(dir);
  if (!st.isDirectory() || st.isSymbolicLink())
    throw new Error(`${dir} is not a folder: not used for Pigeon's control socket`);
  if (st.uid !== uid) throw new Error(`${dir} belongs to uid ${st.uid}: not used`);
  if ((st.mode & 0o077) !== 0)
    throw new Error(`${dir} is open to others (mode 0${(st.mode & 0o777).toString(8)}): not used`);
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'user';
  }
}

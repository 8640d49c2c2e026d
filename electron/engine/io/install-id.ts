import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isInstallId } from '../../../shared/protocol';
import { ensureDataDir, writeDataFile } from './data-dir';

/** DATA/install-id: one line, 32 hex digits. */
export const INSTALL_ID_FILE = 'install-id';

/** A fresh install id: 128 random bits as 32 lowercase hex digits (isInstallId). */
export function newInstallId(): string {
  return randomBytes(16).toString('hex');
}

export interface LoadedInstallId {
  id: string;
  /** Set when the file could not be read or written: the id is then this process's alone. */
  problem?: { file: string; error: string };
}

/**
 * This install's id: read from the data directory, or made once and written there (owner-only,
 * durably, so a power cut cannot give the same install a second id). Other Pigeons use it to
 * notice that the same install announces itself from a new address (identity/address-changes).
 * It is no secret and proves nothing: anyone on the LAN can announce it too.
 * A file that holds something else (damaged, edited) is replaced by a new id: the worst that
 * costs is that peers see a new install once.
 */
export function loadInstallId(dataDir: string): LoadedInstallId {
  const file = path.join(dataDir, INSTALL_ID_FILE);
  try {
    const text = fs.readFileSync(file, 'utf8').trim();
    if (isInstallId(text)) return { id: text };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      return { id: newInstallId(), problem: { file, error: String(error) } };
  }
  const id = newInstallId();
  try {
    ensureDataDir(dataDir);
    writeDataFile(file, `${id}\n`, { durable: true });
    return { id };
  } catch (error) {
    return { id, problem: { file, error: String(error) } };
  }
}

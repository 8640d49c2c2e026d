import fs from 'node:fs';
import path from 'node:path';
import { isObject, isRecord, type TransferRecord } from './transfer-record';

/** Where Pigeon kept its file transfers before the history database held them. */
export const TRANSFERS_JSON = 'transfers.json';
/** Where that file goes once its records are in the database. */
export const IMPORTED_SUFFIX = '.imported';
const VERSION = 1;

export type LegacyTransfers =
  | { outcome: 'none' }
  | { outcome: 'read'; file: string; records: TransferRecord[] }
  /** Not JSON, or unreadable: moved aside (`aside` is '' when even that failed). */
  | { outcome: 'broken'; file: string; aside: string; error: string };

/**
 * Reads DATA/transfers.json as an older Pigeon wrote it; records that are not of that shape are
 * left out (the file, set aside after the import, still has them). One that cannot be parsed
 * is moved aside at once, as the older Pigeon did: never read again, never lost.
 */
export function readTransfersJson(dataDir: string, now: number): LegacyTransfers {
  const file = path.join(dataDir, TRANSFERS_JSON);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { outcome: 'none' };
    let aside = `${file}.broken-${now}`;
    try {
      fs.renameSync(file, aside);
    } catch {
      aside = '';
    }
    return { outcome: 'broken', file, aside, error: String(error) };
  }
  if (!isObject(raw) || raw.version !== VERSION || !Array.isArray(raw.records))
    return { outcome: 'read', file, records: [] };
  return { outcome: 'read', file, records: raw.records.filter(isRecord) };
}

/** Once its records are in the database: renamed, so the next start does not import it again. */
export function setAsideImported(file: string): void {
  fs.renameSync(file, `${file}${IMPORTED_SUFFIX}`);
}

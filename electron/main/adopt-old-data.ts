import fs from 'node:fs';
import path from 'node:path';
import { ensureDataDir, writeDataFile } from '../engine/io/data-dir';
import { PACKET_COUNTER_FILE } from '../engine/io/packet-counter-file';
import { PACKET_NO_MAX } from '../engine/packet-numbers';
import { SETTINGS_FILE } from '../engine/settings/settings-store';
import { WINDOW_STATE_FILE } from './window-state';

/** Written in the data directory once the old one was looked at, so it is adopted only once. */
export const ADOPTED_MARKER = 'adopted-from.json';

/** What an app before the shared data directory kept in Electron's userData. */
const ADOPTED_FILES = [SETTINGS_FILE, WINDOW_STATE_FILE, 'transfers.json'] as const;

export type AdoptOutcome =
  | { outcome: 'nothing' }
  | { outcome: 'done-before' }
  | { outcome: 'adopted'; files: string[]; kept: string[] }
  | { outcome: 'failed'; message: string };

/**
 * The app used to keep its data in Electron's userData; it now shares the CLI's data directory
 * (defaultDataDir). On the first start after that change, what the old place holds comes along,
 * so nobody's nick, group, window or transfer record resets: each file is copied unless the data
 * directory already has its own (the CLI's settings win over the app's: they are the ones the
 * person typed last on that machine, and neither is lost, the old file stays where it was). The
 * packet counter takes the higher mark of the two: iptux ignores a number not above the last it
 * saw from us, and both the app and the CLI spoke as us. Copies, not moves: an older version
 * started again still finds its files.
 */
export function adoptOldData(oldDir: string, dataDir: string): AdoptOutcome {
  if (path.resolve(oldDir) === path.resolve(dataDir)) return { outcome: 'nothing' };
  if (fs.existsSync(path.join(dataDir, ADOPTED_MARKER))) return { outcome: 'done-before' };
  const present = [...ADOPTED_FILES, PACKET_COUNTER_FILE].filter((f) =>
    fs.existsSync(path.join(oldDir, f)),
  );
  if (present.length === 0) return { outcome: 'nothing' };
  try {
    ensureDataDir(dataDir);
    const files: string[] = [];
    const kept: string[] = [];
    for (const name of ADOPTED_FILES) {
      if (!present.includes(name)) continue;
      const target = path.join(dataDir, name);
      if (fs.existsSync(target)) {
        kept.push(name);
        continue;
      }
      writeDataFile(target, fs.readFileSync(path.join(oldDir, name), 'utf8'));
      files.push(name);
    }
    if (present.includes(PACKET_COUNTER_FILE)) {
      const mark = Math.max(
        highWater(path.join(oldDir, PACKET_COUNTER_FILE)),
        highWater(path.join(dataDir, PACKET_COUNTER_FILE)),
      );
      if (mark > 0) {
        writeDataFile(
          path.join(dataDir, PACKET_COUNTER_FILE),
          `${JSON.stringify({ highWater: mark })}\n`,
          { durable: true },
        );
        files.push(PACKET_COUNTER_FILE);
      }
    }
    writeDataFile(
      path.join(dataDir, ADOPTED_MARKER),
      `${JSON.stringify({ from: path.resolve(oldDir), files, kept })}\n`,
    );
    return { outcome: 'adopted', files, kept };
  } catch (error) {
    return { outcome: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
}

/** A counter file's mark, 0 when missing or unreadable (the engine puts a broken one aside). */
function highWater(file: string): number {
  try {
    const raw: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    const n = (raw as { highWater?: unknown } | null)?.highWater;
    return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= PACKET_NO_MAX ? n : 0;
  } catch {
    return 0;
  }
}

/** One line for the log, or undefined when there is nothing to say. */
export function describeAdoption(
  r: AdoptOutcome,
  oldDir: string,
  dataDir: string,
): string | undefined {
  switch (r.outcome) {
    case 'adopted':
      return (
        `data directory is now ${dataDir}; took ${r.files.join(', ') || 'nothing'} from ${oldDir}` +
        (r.kept.length ? ` (kept its own ${r.kept.join(', ')})` : '')
      );
    case 'failed':
      return `could not take the old data from ${oldDir} into ${dataDir}: ${r.message}`;
    default:
      return undefined;
  }
}

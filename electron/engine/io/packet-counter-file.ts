import fs from 'node:fs';
import path from 'node:path';
import { PACKET_NO_MAX, type CounterStore } from '../packet-numbers';
import { writeDataFile } from './data-dir';

/** In the data directory: `{"highWater": N}`, every packet number up to N may have been used. */
export const PACKET_COUNTER_FILE = 'packet-counter.json';

/**
 * The packet counter's file in `dataDir`, or undefined when that directory does not exist: the
 * hosts create the data directory (the app, the CLI); the engine never makes one up, so a test
 * or benchmark that names none leaves nothing behind and counts in memory.
 */
export function packetCounterFile(dataDir: string): CounterStore | undefined {
  try {
    if (!fs.statSync(dataDir).isDirectory()) return undefined;
  } catch {
    return undefined;
  }
  const file = path.join(dataDir, PACKET_COUNTER_FILE);
  return {
    where: file,
    load: () => load(file),
    // Durable: after a power cut the file must not fall back to a mark below numbers we used.
    save: (highWater) =>
      writeDataFile(file, `${JSON.stringify({ highWater })}\n`, { durable: true }),
  };
}

function load(file: string): { highWater: number | undefined; damaged?: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { highWater: undefined };
    throw err;
  }
  const highWater = parse(text);
  if (highWater !== undefined) return { highWater };
  // Kept, never lost: someone may want to see what was there.
  const aside = `${file}.broken-${Date.now()}`;
  fs.renameSync(file, aside);
  return { highWater: undefined, damaged: aside };
}

function parse(text: string): number | undefined {
  try {
    const raw: unknown = JSON.parse(text);
    if (typeof raw !== 'object' || raw === null) return undefined;
    const n = (raw as { highWater?: unknown }).highWater;
    return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= PACKET_NO_MAX
      ? n
      : undefined;
  } catch {
    return undefined;
  }
}

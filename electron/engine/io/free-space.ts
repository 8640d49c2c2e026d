import fs from 'node:fs';

/**
 * Free bytes for an unprivileged writer on the disk that holds `dir`; Infinity when the system
 * cannot say (then only the write itself can fail, with ENOSPC, which callers handle).
 */
export function freeBytes(dir: string): number {
  try {
    const s = fs.statfsSync(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Bounds of what a page can upload. Each upload is a full copy of the person's file on the
 * host's disk, kept as long as its offer can be fetched, beside the original:
 * - 4 GiB per file covers a DVD image or a large video; past it, `pigeon send --file` (or the
 *   desktop app) offers the file where it lies, with no copy at all;
 * - 10 GiB for the staging folder in all, so a page left looping (or a script that has the
 *   token) cannot fill the disk, while a day's worth of ordinary offers fits;
 * - 256 MiB of the disk always left free, so staging never takes the last space the engine and
 *   the rest of the system need (the upload is refused before a byte is written).
 */
export const STAGING_LIMITS = {
  fileBytes: 4 * 1024 ** 3,
  totalBytes: 10 * 1024 ** 3,
  spareBytes: 256 * 1024 ** 2,
  /** An offer is served for 24 h (FILE_LIMITS.offerTtlMs); its copy goes an hour after that. */
  keepMs: 25 * 60 * 60 * 1000,
  /** UTF-8 bytes of a name: what ext4 and NTFS hold. */
  nameBytes: 255,
} as const;

export type StagingLimits = { [K in keyof typeof STAGING_LIMITS]: number };

/**
 * A name the browser gave a file, checked as a single path component. Refused rather than
 * repaired: a name with a slash, a control or bidi character, or dots only is not a file's real
 * name, and the peer would see whatever we made of it.
 */
export function checkUploadName(raw: string | null, maxBytes: number): string | { bad: string } {
  if (raw === null || raw.length === 0) return { bad: 'a name is required (?name=...)' };
  const name = raw.normalize('NFC');
  if (Buffer.byteLength(name, 'utf8') > maxBytes)
    return { bad: `the name is longer than ${maxBytes} bytes` };
  if (name === '.' || name === '..' || /^\.+$/.test(name)) return { bad: 'the name is only dots' };
  if (/[/\\]/.test(name)) return { bad: 'the name holds a path separator' };
  // C0, DEL, C1, and the bidi controls that would reorder how the name reads to the peer.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u.test(name))
    return { bad: 'the name holds control or bidi characters' };
  if (name !== name.trim()) return { bad: 'the name starts or ends with spaces' };
  return name;
}

/** Bytes in the staging folder (staging/<random>/<name>), dropping what is older than keepMs. */
export function stagingUsage(dir: string, keepMs: number, now: number): number {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const sub = path.join(dir, e.name);
    try {
      const stat = fs.lstatSync(sub);
      if (now - stat.mtimeMs > keepMs) {
        fs.rmSync(sub, { recursive: true, force: true });
        continue;
      }
      if (!stat.isDirectory()) continue;
      for (const f of fs.readdirSync(sub, { withFileTypes: true })) {
        if (f.isFile()) total += fs.statSync(path.join(sub, f.name)).size;
      }
    } catch {
      /* removed meanwhile */
    }
  }
  return total;
}

/** A fresh folder of its own for one upload, so equal names never meet. */
export function newUploadDir(stagingDir: string): string {
  fs.mkdirSync(stagingDir, { recursive: true, mode: 0o700 });
  const dir = path.join(stagingDir, randomBytes(12).toString('hex'));
  fs.mkdirSync(dir, { mode: 0o700 });
  return dir;
}

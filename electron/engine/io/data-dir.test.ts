import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DATA_DIR_MODE,
  DATA_FILE_MODE,
  describeDataDirCheck,
  ensureDataDir,
  secureDataDir,
  writeDataFile,
} from './data-dir';

const posix = process.platform !== 'win32';
const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-data-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const modeOf = (p: string) => fs.statSync(p).mode & 0o7777;

describe.runIf(posix)('the data directory on POSIX', () => {
  it('is created owner-only, parents too', () => {
    const dir = path.join(tmp(), 'a', 'b');
    expect(ensureDataDir(dir)).toEqual({ outcome: 'private' });
    expect(modeOf(dir)).toBe(DATA_DIR_MODE);
    expect(modeOf(path.dirname(dir))).toBe(DATA_DIR_MODE);
  });

  it.each([0o755, 0o750, 0o711, 0o777, 0o701])(
    'is made owner-only when found with mode %o, and says so',
    (mode) => {
      const dir = tmp();
      fs.chmodSync(dir, mode);
      const check = secureDataDir(dir);
      expect(check).toEqual({ outcome: 'tightened', from: mode });
      expect(modeOf(dir)).toBe(DATA_DIR_MODE);
      expect(describeDataDirCheck(dir, check)).toBe(
        `${dir} was open to other users (mode 0${mode.toString(8)}); made it owner-only (0700)`,
      );
      expect(secureDataDir(dir)).toEqual({ outcome: 'private' });
    },
  );

  it('is left as it is when already owner-only (0700 or stricter) or missing', () => {
    const dir = tmp();
    fs.chmodSync(dir, 0o500);
    expect(secureDataDir(dir)).toEqual({ outcome: 'private' });
    expect(modeOf(dir)).toBe(0o500);
    fs.chmodSync(dir, 0o700);
    expect(secureDataDir(path.join(dir, 'missing'))).toEqual({ outcome: 'missing' });
    expect(describeDataDirCheck(dir, { outcome: 'private' })).toBeUndefined();
  });

  it('leaves a sticky shared directory, the home directory and those above it alone', () => {
    const sticky = tmp();
    fs.chmodSync(sticky, 0o1777);
    const check = secureDataDir(sticky);
    expect(check).toEqual({ outcome: 'left-shared', mode: 0o1777 });
    expect(modeOf(sticky)).toBe(0o1777);
    expect(describeDataDirCheck(sticky, check)).toMatch(/not Pigeon's own directory.*--data/);

    const home = tmp();
    fs.chmodSync(home, 0o755);
    expect(secureDataDir(home, { home })).toEqual({ outcome: 'left-shared', mode: 0o755 });
    expect(modeOf(home)).toBe(0o755);
    // A directory inside the home directory is Pigeon's to fix.
    const inside = path.join(home, '.pigeon');
    fs.mkdirSync(inside, { mode: 0o755 });
    fs.chmodSync(inside, 0o755);
    expect(secureDataDir(inside, { home })).toMatchObject({ outcome: 'tightened' });
    // The directory above a home directory (like /home) is not Pigeon's either.
    expect(secureDataDir(home, { home: inside })).toEqual({ outcome: 'left-shared', mode: 0o755 });
    expect(modeOf(home)).toBe(0o755);
  });

  it.runIf(process.getuid?.() === 0)('leaves a directory owned by someone else alone', () => {
    const dir = tmp();
    fs.chmodSync(dir, 0o755);
    fs.chownSync(dir, 65534, 65534);
    expect(secureDataDir(dir)).toEqual({ outcome: 'left-shared', mode: 0o755 });
    expect(modeOf(dir)).toBe(0o755);
  });

  it('writes files owner-only, also over a looser file and a stale temp file', () => {
    const dir = tmp();
    const file = path.join(dir, 'settings.json');
    fs.writeFileSync(file, 'old', { mode: 0o644 });
    fs.writeFileSync(`${file}.${process.pid}.tmp`, 'stale', { mode: 0o666 });
    writeDataFile(file, 'new');
    expect(fs.readFileSync(file, 'utf8')).toBe('new');
    expect(modeOf(file)).toBe(DATA_FILE_MODE);
    expect(fs.readdirSync(dir)).toEqual(['settings.json']);
  });
});

describe('the data directory on Windows', () => {
  it('is not checked with mode bits there (ACLs rule), and nothing fails', () => {
    const dir = tmp();
    if (posix) fs.chmodSync(dir, 0o755);
    const check = secureDataDir(dir, { platform: 'win32' });
    expect(check).toEqual({ outcome: 'not-applicable' });
    expect(describeDataDirCheck(dir, check)).toBeUndefined();
    if (posix) expect(modeOf(dir)).toBe(0o755);
  });
});

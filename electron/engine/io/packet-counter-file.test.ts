import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PacketNumbers, RESERVE_BLOCK, type CounterProblem } from '../packet-numbers';
import { DATA_FILE_MODE } from './data-dir';
import { PACKET_COUNTER_FILE, packetCounterFile } from './packet-counter-file';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-counter-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const now = () => Date.UTC(2026, 5, 1);

function run(dir: string) {
  const n = new PacketNumbers(now);
  const problems: CounterProblem[] = [];
  n.onProblem((p) => problems.push(p));
  n.open(packetCounterFile(dir));
  return { n, problems };
}

describe('the packet counter in the data directory', () => {
  it('is not kept where there is no data directory (the engine never makes one up)', () => {
    expect(packetCounterFile(path.join(tmp(), 'missing'))).toBeUndefined();
    const file = path.join(tmp(), 'a-file');
    fs.writeFileSync(file, '');
    expect(packetCounterFile(file)).toBeUndefined();
  });

  it('is a small owner-only JSON file holding a mark ahead of the numbers in use', () => {
    const dir = tmp();
    const { n } = run(dir);
    const first = n.next();
    const file = path.join(dir, PACKET_COUNTER_FILE);
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { highWater: number };
    expect(saved.highWater).toBe(first + RESERVE_BLOCK - 1);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(DATA_FILE_MODE);
    expect(fs.readdirSync(dir)).toEqual([PACKET_COUNTER_FILE]);
  });

  it('a restart after a clean stop, and one after a crash, both start above every number used', () => {
    const dir = tmp();
    const first = run(dir).n;
    let last = 0;
    for (let i = 0; i < 3000; i++) last = first.nextWithGap();
    first.close();
    const second = run(dir).n;
    const afterStop = second.next();
    expect(afterStop).toBe(last + 1);
    for (let i = 0; i < 3000; i++) last = second.nextWithGap();
    // second dies without close(): its reservation is on disk.
    const third = run(dir).n.next();
    expect(third).toBeGreaterThan(last);
  });

  it('moves a damaged file aside, says so, and keeps counting (and saving) from the clock', () => {
    const dir = tmp();
    const file = path.join(dir, PACKET_COUNTER_FILE);
    fs.writeFileSync(file, '{"highWater": "lots"}');
    const { n, problems } = run(dir);
    const x = n.next();
    expect(problems).toHaveLength(1);
    expect(problems[0]?.file).toBe(file);
    expect(problems[0]?.error).toMatch(/^damaged, moved to .*packet-counter\.json\.broken-\d+$/);
    const aside = fs.readdirSync(dir).find((f) => f.includes('.broken-')) ?? '';
    expect(fs.readFileSync(path.join(dir, aside), 'utf8')).toBe('{"highWater": "lots"}');
    expect(
      (JSON.parse(fs.readFileSync(file, 'utf8')) as { highWater: number }).highWater,
    ).toBeGreaterThanOrEqual(x);
  });

  it.runIf(process.platform !== 'win32' && process.getuid?.() !== 0)(
    'in a read-only data directory it says why and counts in memory',
    () => {
      const dir = tmp();
      fs.chmodSync(dir, 0o500);
      try {
        const { n, problems } = run(dir);
        expect(n.next()).toBeGreaterThan(0);
        expect(problems).toHaveLength(1);
        expect(problems[0]?.error).toMatch(/EACCES/);
      } finally {
        fs.chmodSync(dir, 0o700);
      }
    },
  );
});

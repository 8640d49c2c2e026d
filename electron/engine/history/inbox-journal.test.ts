import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirsRemovedAfterEach } from '../testing/temp-dirs';
import type { BatchRow } from './batch-write';
import { InboxJournal } from './inbox-journal';

const tempDir = tempDirsRemovedAfterEach('pigeon-journal-');

function row(id: string, text: string): BatchRow {
  return {
    id,
    peerId: '10.0.0.1:2425',
    direction: 'in',
    text,
    at: 1_000,
    broadcast: 0,
    delivery: null,
    extra: null,
    bytes: 300,
    packetNo: 7,
    hash: 9,
  };
}

describe('the inbox journal', () => {
  it('reads back every row appended, segment after segment, and drops the segments released', () => {
    const dir = path.join(tempDir(), 'j');
    const j = new InboxJournal(dir);
    j.append(JSON.stringify(row('a', 'first')));
    j.append(JSON.stringify(row('b', '第二 with "quotes" and \u202e bidi')));
    expect(j.seal()).toBe(1);
    expect(j.seal()).toBeUndefined();
    j.append(JSON.stringify(row('c', 'x'.repeat(200_000))));
    expect(InboxJournal.read(dir).rows.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(InboxJournal.read(dir).rows[1]?.text).toBe('第二 with "quotes" and \u202e bidi');
    j.release(1);
    expect(fs.readdirSync(dir)).toEqual(['2.log']);
    expect(InboxJournal.read(dir)).toEqual({ rows: [row('c', 'x'.repeat(200_000))], last: 2 });
    j.close();
    // A journal opened on the folder goes on after the segments there, never into one.
    const next = new InboxJournal(dir);
    next.append(JSON.stringify(row('d', 'later')));
    expect(fs.readdirSync(dir).sort()).toEqual(['2.log', '3.log']);
    next.close();
    if (process.platform !== 'win32') {
      expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
      expect(fs.statSync(path.join(dir, '3.log')).mode & 0o777).toBe(0o600);
    }
  });

  it('stops at a record that is not a whole, well-formed row, and ignores other files', () => {
    const dir = path.join(tempDir(), 'j');
    const j = new InboxJournal(dir);
    j.append(JSON.stringify(row('ok', 'fine')));
    // Checksummed, but not a row: a damaged writer, never taken into the history.
    j.append(JSON.stringify({ ...row('bad', 'x'), direction: 'sideways' }));
    j.append(JSON.stringify(row('after', 'never read')));
    j.close();
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a segment');
    fs.writeFileSync(path.join(dir, '9.log'), Buffer.from([255, 255, 255, 255, 0, 0, 0, 0]));
    expect(InboxJournal.read(dir)).toEqual({ rows: [row('ok', 'fine')], last: 9 });
  });
});

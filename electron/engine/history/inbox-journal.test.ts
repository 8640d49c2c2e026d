import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirsRemovedAfterEach } from '../testing/temp-dirs';
import type { BatchRow } from './batch-write';
import { InboxJournal } from './inbox-journal';
import { encodeRow, FRAME_HEADER, maxFrameSize } from './row-codec';

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

/** Appends a row's checked frame, as the store does; `damage` changes the payload first. */
function put(j: InboxJournal, r: BatchRow, damage?: (payload: Buffer) => void): void {
  const buf = Buffer.alloc(maxFrameSize(r));
  const size = encodeRow(r, buf, 0, true);
  if (damage) {
    damage(buf.subarray(FRAME_HEADER, size));
    // Checksummed again: the CRC matches, the bytes are still not a row.
    buf.writeUInt32LE(zlib.crc32(buf.subarray(FRAME_HEADER, size)), 4);
  }
  j.append(buf, 0, size);
}

describe('the inbox journal', () => {
  it('reads back every row appended, segment after segment, and drops the segments released', () => {
    const dir = path.join(tempDir(), 'j');
    const j = new InboxJournal(dir);
    put(j, row('a', 'first'));
    put(j, row('b', '第二 with "quotes" and \u202e bidi'));
    expect(j.seal()).toBe(1);
    expect(j.seal()).toBeUndefined();
    put(j, row('c', 'x'.repeat(200_000)));
    expect(InboxJournal.read(dir).rows.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(InboxJournal.read(dir).rows[1]?.text).toBe('第二 with "quotes" and \u202e bidi');
    j.release(1);
    expect(fs.readdirSync(dir)).toEqual(['2.log']);
    expect(InboxJournal.read(dir)).toEqual({ rows: [row('c', 'x'.repeat(200_000))], last: 2 });
    j.close();
    // A journal opened on the folder goes on after the segments there, never into one.
    const next = new InboxJournal(dir);
    put(next, row('d', 'later'));
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
    put(j, row('ok', 'fine'));
    // Checksummed, but not a row: a damaged writer, never taken into the history.
    put(j, row('bad', 'x'), (payload) => (payload[0] = 200));
    put(j, row('after', 'never read'));
    j.close();
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a segment');
    fs.writeFileSync(path.join(dir, '9.log'), Buffer.from([255, 255, 255, 255, 0, 0, 0, 0]));
    expect(InboxJournal.read(dir)).toEqual({ rows: [row('ok', 'fine')], last: 9 });
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { DATA_FILE_MODE } from '../io/data-dir';
import type { BatchRow } from './batch-write';
import { decodeRows } from './row-codec';

/** Beside history.db: the folder of the journal's segments. */
export const JOURNAL_SUFFIX = '-inbox';
const SEGMENT = /^(\d{1,15})\.log$/;

/**
 * Incoming messages between their ack and their batch. Each one is appended to the segment
 * being written with one write() before its ack is sent: a killed process loses none of
 * them, since the kernel holds what was written. The batches (store.ts) write them into the
 * database; a segment goes once every row in it is committed there. The next open writes what
 * a crash left (`read`). A commit to SQLite for each message (the inbox table this replaces)
 * cost about 30 us of the engine's thread; this costs one system call.
 *
 * A power cut can lose what the kernel had not written to the disk yet, as the database's
 * synchronous=NORMAL can: `syncAll` (with the store's checkpoint, every 2 s) bounds it.
 * Each record is a row's frame (row-codec.ts: length, CRC-32, payload). A torn or damaged
 * record ends its segment's reading.
 */
export class InboxJournal {
  private fd: number | undefined;
  private segment: number;
  private written = 0;

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.segment = Math.max(0, ...segments(dir)) + 1;
  }

  /**
   * Appends a record: the frame (row-codec.ts, with its CRC) at `at` in `buffer`. Throws,
   * nothing appended, when it cannot be written in full.
   */
  append(buffer: Buffer, at: number, size: number): void {
    const fd = this.open();
    let n = 0;
    try {
      n = fs.writeSync(fd, buffer, at, size, this.written);
    } finally {
      // A short write (a full disk) would leave half a record: cut it off, as if never written.
      if (n !== size) fs.ftruncateSync(fd, this.written);
    }
    if (n !== size) throw new Error('the inbox journal could not be written in full');
    this.written += n;
  }

  /**
   * Closes the segment being written, when it holds anything, and returns its number: every row
   * appended so far is in it or in an earlier one. The next append starts a new segment.
   */
  seal(): number | undefined {
    if (this.fd === undefined) return undefined;
    fs.closeSync(this.fd);
    this.fd = undefined;
    this.written = 0;
    return this.segment++;
  }

  /** Removes the segments up to `segment`: their rows are committed in the database. */
  release(segment: number): void {
    for (const n of segments(this.dir)) {
      if (n > segment) continue;
      try {
        fs.unlinkSync(path.join(this.dir, `${n}.log`));
      } catch {
        // Gone already (another store on this file wrote its rows at its open).
      }
    }
  }

  /**
   * Flushes every segment in `dir` to the disk, every 2 s: on the writer thread, or on the
   * engine's when there is none (an fdatasync through a descriptor of its own reaches what any
   * descriptor wrote).
   */
  static syncAll(dir: string): void {
    for (const n of segments(dir)) {
      let fd: number | undefined;
      try {
        fd = fs.openSync(path.join(dir, `${n}.log`), 'r+');
        fs.fdatasyncSync(fd);
      } catch {
        // Released meanwhile: its rows are in the database, which the checkpoint flushes.
      } finally {
        if (fd !== undefined) fs.closeSync(fd);
      }
    }
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): number {
    if (this.fd !== undefined) return this.fd;
    const file = path.join(this.dir, `${this.segment}.log`);
    // 'wx': a segment is never appended to by two stores.
    this.fd = fs.openSync(file, 'wx', DATA_FILE_MODE);
    return this.fd;
  }

  /**
   * What a crash left: every whole record of every segment, oldest first, and the segments'
   * numbers (release them once the rows are committed).
   */
  static read(dir: string): { rows: BatchRow[]; last: number } {
    const rows: BatchRow[] = [];
    let last = 0;
    for (const n of segments(dir)) {
      last = Math.max(last, n);
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(path.join(dir, `${n}.log`));
      } catch {
        continue;
      }
      // A torn or damaged record ends its segment. (A loop, not a spread: a segment can hold
      // more rows than a call takes arguments.)
      for (const row of decodeRows(bytes, true).rows) rows.push(row);
    }
    return { rows, last };
  }
}

/** The segment numbers in the folder, ascending (none when it does not exist). */
function segments(dir: string): number[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const name of names) {
    const m = SEGMENT.exec(name);
    if (m) out.push(Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}

import { Transform } from 'node:stream';

/** What the reader emits, one object per input line. */
export type LineItem =
  | { kind: 'line'; text: string }
  /** The line passed `maxBytes`: its bytes were dropped up to the next newline. */
  | { kind: 'too-long' };

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into UTF-8 lines (LF or CRLF) and holds at most `maxBytes` of one line.
 * readline buffers a whole line before anyone can look at its length, so a single endless line
 * could take all memory; here a line is refused the moment it passes the cap, and the rest of it
 * is discarded as it arrives. Bytes are decoded only once a line is complete, so a character
 * split across chunks is read whole. A last line without a newline still counts.
 */
export function boundedLines(maxBytes: number): Transform {
  const splitter = new LineSplitter(maxBytes);
  return new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _encoding, done) {
      for (const item of splitter.push(chunk)) this.push(item);
      done();
    },
    flush(done) {
      for (const item of splitter.end()) this.push(item);
      done();
    },
  });
}

export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private discarding = false;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): LineItem[] {
    const out: LineItem[] = [];
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(LF, start);
      const end = newline === -1 ? chunk.length : newline;
      if (!this.discarding) this.keep(chunk.subarray(start, end), out);
      if (newline === -1) break;
      if (this.discarding) this.discarding = false;
      else out.push(this.finishLine());
      start = newline + 1;
    }
    return out;
  }

  end(): LineItem[] {
    return !this.discarding && this.size > 0 ? [this.finishLine()] : [];
  }

  private keep(piece: Buffer, out: LineItem[]): void {
    // One byte of slack: a CR that turns out to end a CRLF line is not part of the line.
    if (this.size + piece.length > this.maxBytes + 1) {
      this.parts = [];
      this.size = 0;
      this.discarding = true;
      out.push({ kind: 'too-long' });
      return;
    }
    if (piece.length === 0) return;
    this.parts.push(piece);
    this.size += piece.length;
  }

  private finishLine(): LineItem {
    let bytes = Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    if (bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, -1);
    if (bytes.length > this.maxBytes) return { kind: 'too-long' };
    return { kind: 'line', text: bytes.toString('utf8') };
  }
}

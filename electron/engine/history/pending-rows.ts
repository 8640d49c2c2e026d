import type { BatchRow } from './batch-write';
import { decodeRows, encodeRow, maxFrameSize } from './row-codec';

const START_BYTES = 64 * 1024;

/**
 * The rows of the next batch, as frames (row-codec.ts) in one buffer: an incoming row's frame
 * is its journal record too, written from here. `take` hands them over as a buffer of their
 * own, which crosses to the writer thread as one copy.
 */
export class PendingRows {
  private buf = Buffer.allocUnsafe(START_BYTES);
  private held = 0;

  /** Bytes of frames held. */
  get length(): number {
    return this.held;
  }

  /** Appends a row's frame (with its CRC when `checked`); returns where it lies. */
  add(row: BatchRow, checked: boolean): { buffer: Buffer; at: number; size: number } {
    const most = maxFrameSize(row);
    if (this.held + most > this.buf.length) this.grow(this.held + most);
    const at = this.held;
    const size = encodeRow(row, this.buf, at, checked);
    this.held += size;
    return { buffer: this.buf, at, size };
  }

  /** Takes back the frames from `at` on (a row whose journal record could not be written). */
  dropFrom(at: number): void {
    this.held = Math.min(this.held, at);
  }

  /** Everything held, as a buffer of its own; empty again after. */
  take(): Uint8Array {
    const frames = new Uint8Array(this.held);
    frames.set(this.buf.subarray(0, this.held));
    this.held = 0;
    // A flood's buffer is not kept for the quiet that follows.
    if (this.buf.length > 16 * START_BYTES) this.buf = Buffer.allocUnsafe(START_BYTES);
    return frames;
  }

  /** Frames taken and not written: back in front of what came since. */
  putBack(frames: Uint8Array): void {
    const since = this.buf.subarray(0, this.held);
    const next = Buffer.allocUnsafe(Math.max(START_BYTES, frames.length + this.held));
    next.set(frames, 0);
    next.set(since, frames.length);
    this.buf = next;
    this.held = frames.length + since.length;
  }

  /** The rows held (for the rare reader of them: the duplicate filter's rebuild, usage). */
  rows(): BatchRow[] {
    return decodeRows(this.buf.subarray(0, this.held), false).rows;
  }

  private grow(needed: number): void {
    const next = Buffer.allocUnsafe(Math.max(needed, 2 * this.buf.length));
    this.buf.copy(next, 0, 0, this.held);
    this.buf = next;
  }
}

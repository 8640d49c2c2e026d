/**
 * Small byte arrays carved out of shared blocks, the way Node's Buffer.allocUnsafe pools: a
 * datagram is a view on a block that already lives outside the JavaScript heap. A fresh
 * `new Uint8Array(n)` costs a malloc and a free for every datagram above 64 bytes, and below
 * that the socket has to move it out of the heap before it can send it. Both showed in the
 * hot path's profile.
 *
 * Each region is handed out once, so it starts zeroed like a new array. A block is freed when
 * the last view on it is gone. The views share their block's ArrayBuffer: use byteOffset and
 * length, never `.buffer` alone (nothing in Pigeon hands datagram bytes to untrusted code).
 */
const BLOCK_BYTES = 16 * 1024;
/** Larger arrays get their own allocation: a few of them would use up a block. */
export const MAX_POOLED_BYTES = 2048;

let block = new Uint8Array(BLOCK_BYTES);
let used = 0;

export function allocBytes(length: number): Uint8Array {
  if (length > MAX_POOLED_BYTES) return new Uint8Array(length);
  if (used + length > BLOCK_BYTES) {
    block = new Uint8Array(BLOCK_BYTES);
    used = 0;
  }
  const out = block.subarray(used, used + length);
  // Keep regions 8-byte aligned, as Node's pool does.
  used += (length + 7) & ~7;
  return out;
}

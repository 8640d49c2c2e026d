import { describe, expect, it } from 'vitest';
import { allocBytes, MAX_POOLED_BYTES } from './byte-pool';

describe('allocBytes', () => {
  it('hands out zeroed arrays of the asked length that never overlap', () => {
    const arrays = Array.from({ length: 2000 }, (_, i) => allocBytes(1 + (i % 97)));
    arrays.forEach((a, i) => {
      expect(a.length).toBe(1 + (i % 97));
      expect(a.every((b) => b === 0)).toBe(true);
      a.fill((i % 255) + 1);
    });
    // Past several blocks, every array still holds only what was written into it.
    arrays.forEach((a, i) => expect(a.every((b) => b === (i % 255) + 1)).toBe(true));
  });

  it('gives large arrays their own memory', () => {
    const big = allocBytes(MAX_POOLED_BYTES + 1);
    expect(big.length).toBe(MAX_POOLED_BYTES + 1);
    expect(big.byteOffset).toBe(0);
    expect(big.buffer.byteLength).toBe(MAX_POOLED_BYTES + 1);
  });

  it('handles zero length', () => {
    expect(allocBytes(0).length).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { decodeProbe, encodeProbe, newRunId, probeHeader } from './echo-probe-format';

const printable = (b: Uint8Array) => [...b].every((x) => x >= 0x20 && x <= 0x7e);

describe('echo probe format', () => {
  it('pads to exactly the requested size with printable ASCII', () => {
    for (const size of [64, 100, 1472, 8000]) {
      const b = encodeProbe({ runId: 'a1b2c3d4', seq: 7, sentUs: 123456789 }, size);
      expect(b.length).toBe(size);
      expect(printable(b)).toBe(true);
    }
  });

  it('the default raw probe of 64 bytes survives a naive text echo server', () => {
    const b = encodeProbe({ runId: newRunId(), seq: 999, sentUs: 1_700_000_000_000_000 }, 64);
    expect(b.length).toBe(64);
    // what a tutorial server does: recv(1024).decode() then .encode()
    const text = new TextDecoder('utf-8', { fatal: true }).decode(b);
    const back = new TextEncoder().encode(text);
    expect(decodeProbe(back)).toMatchObject({ seq: 999, intact: true });
  });

  it('keeps the bare header when the size is smaller', () => {
    const f = { runId: '00000000', seq: 1, sentUs: 2 };
    expect(encodeProbe(f, 5).length).toBe(probeHeader(f).length);
  });

  it('round-trips every field and flag', () => {
    const d = decodeProbe(
      encodeProbe(
        {
          runId: 'deadbeef',
          seq: 42,
          sentUs: 5,
          reverse: true,
          reverseOf: 12,
          back: { count: 10, intervalMs: 20, size: 300 },
          granted: 7,
        },
        200,
      ),
    );
    expect(d).toMatchObject({
      runId: 'deadbeef',
      seq: 42,
      sentUs: 5,
      reverse: true,
      reverseOf: 12,
      back: { count: 10, intervalMs: 20, size: 300 },
      granted: 7,
      intact: true,
    });
  });

  it('carries the probe-back cookie both ways, and ignores one of the wrong shape', () => {
    const cookie = '0123456789abcdef';
    const request = decodeProbe(
      encodeProbe({
        runId: 'deadbeef',
        seq: 0,
        sentUs: 1,
        back: { count: 100, intervalMs: 1000, size: 1472 },
        proof: cookie,
      }),
    );
    expect(request).toMatchObject({ back: { count: 100 }, proof: cookie });
    const answer = encodeProbe({ runId: 'deadbeef', seq: 0, sentUs: 1, proof: cookie, cookie });
    expect(decodeProbe(answer)).toMatchObject({ proof: cookie, cookie });
    const enc = (t: string) => new TextEncoder().encode(t);
    for (const bad of ['0123', '0123456789abcdefa', '0123456789abcdeg']) {
      const d = decodeProbe(enc(`PGE1:deadbeef:0:1:c=${bad},v=${bad}|`));
      expect(d, bad).toBeDefined();
      expect(d?.cookie).toBeUndefined();
      expect(d?.proof).toBeUndefined();
    }
  });

  it('recognises a rewritten answer and reads it case-insensitively', () => {
    const b = encodeProbe({ runId: 'abcdef12', seq: 3, sentUs: 1 }, 80);
    const upper = new TextEncoder().encode(new TextDecoder().decode(b).toUpperCase());
    expect(decodeProbe(upper)).toMatchObject({ runId: 'abcdef12', seq: 3, intact: false });
    const truncated = b.subarray(0, 70);
    expect(decodeProbe(truncated)?.intact).toBe(true); // a prefix is intact: lengths tell
  });

  it('ignores anything that is not a probe', () => {
    const enc = (t: string) => new TextEncoder().encode(t);
    for (const t of ['', 'hello', 'PGE1:xyz', 'PGE1:abcdef1:1:2:|', '1:2:u:h:32:some text']) {
      expect(decodeProbe(enc(t))).toBeUndefined();
    }
    expect(decodeProbe(enc('PGE1:abcdef12:1:2:|'))?.seq).toBe(1);
  });

  it('makes 8-digit hex run ids', () => {
    expect(newRunId()).toMatch(/^[0-9a-f]{8}$/);
  });
});

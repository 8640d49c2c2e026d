import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dedupe } from './dedupe';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('Dedupe', () => {
  it('says "first time" once per (peer, packetNo)', () => {
    const d = new Dedupe();
    expect(d.firstTime('a', 1)).toBe(true);
    expect(d.firstTime('a', 1)).toBe(false);
    expect(d.firstTime('b', 1)).toBe(true);
    expect(d.firstTime('a', 2)).toBe(true);
  });

  it('forgets a peer on reset (a restarted iptux counts from 1 again)', () => {
    const d = new Dedupe();
    d.firstTime('a', 1);
    d.firstTime('b', 1);
    d.reset('a');
    expect(d.firstTime('a', 1)).toBe(true);
    expect(d.firstTime('b', 1)).toBe(false);
  });

  it('remembers at most perPeer numbers per peer, forgetting the oldest', () => {
    const d = new Dedupe(3, 10);
    for (const n of [1, 2, 3, 4]) d.firstTime('a', n);
    expect(d.firstTime('a', 1)).toBe(true); // evicted
    expect(d.firstTime('a', 4)).toBe(false);
  });

  it('remembers at most maxPeers peers, forgetting the oldest', () => {
    const d = new Dedupe(4, 2);
    d.firstTime('a', 1);
    d.firstTime('b', 1);
    d.firstTime('c', 1);
    expect(d.firstTime('a', 1)).toBe(true);
    expect(d.firstTime('c', 1)).toBe(false);
  });

  it('matches a plain model: the last perPeer numbers of the maxPeers most recently heard peers', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 12 })), {
          maxLength: 300,
        }),
        (calls) => {
          const d = new Dedupe(4, 3);
          // The model: peers least recently heard first, each with its numbers oldest first.
          let peers: { id: string; numbers: number[] }[] = [];
          for (const [p, n] of calls) {
            const id = `p${p}`;
            let entry = peers.find((x) => x.id === id);
            if (entry) peers = [...peers.filter((x) => x !== entry), entry];
            else {
              entry = { id, numbers: [] };
              peers.push(entry);
              if (peers.length > 3) peers.shift();
            }
            const expected = !entry.numbers.includes(n);
            if (expected) {
              entry.numbers.push(n);
              if (entry.numbers.length > 4) entry.numbers.shift();
            }
            expect(d.firstTime(id, n)).toBe(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('resets on an entry whose number is not above the highest it used, not on a refresh', () => {
    const d = new Dedupe();
    for (const n of [10, 11, 12]) d.firstTime('a', n);
    d.resetIfRestarted('a', 13); // counting on: keep
    expect(d.firstTime('a', 12)).toBe(false);
    d.resetIfRestarted('a', 1); // counting from the start again: forget
    expect(d.firstTime('a', 12)).toBe(true);
  });

  it('a different body under the same number is a new message, never a duplicate', () => {
    const d = new Dedupe();
    // A forger sent "from" the peer with the number its next real message will use...
    expect(d.firstTime('bob', 41, bytes('part of nothing\0\0PGPART:zz:0:2\0'))).toBe(true);
    // ...and the real message with that number must still be shown.
    expect(d.firstTime('bob', 41, bytes('lunch at noon?\0'))).toBe(true);
    expect(d.firstTime('bob', 41, bytes('lunch at noon?\0'))).toBe(false);
    expect(d.firstTime('bob', 41, bytes('part of nothing\0\0PGPART:zz:0:2\0'))).toBe(false);
  });

  it("IP Messenger's retry padded with 64 NULs is the same message", () => {
    const d = new Dedupe();
    expect(d.firstTime('taro', 7, bytes('会議は3時から\0'))).toBe(true);
    expect(d.firstTime('taro', 7, bytes(`会議は3時から\0${'\0'.repeat(64)}`))).toBe(false);
    expect(d.firstTime('taro', 7, bytes('会議は3時から'))).toBe(false);
    // A NUL inside is not padding.
    expect(d.firstTime('taro', 7, bytes('会議は3時から\0x\0'))).toBe(true);
  });

  it('forgets (number, body) pairs oldest first, each on its own', () => {
    const d = new Dedupe(3, 10);
    d.firstTime('a', 1, bytes('x'));
    d.firstTime('a', 1, bytes('y'));
    d.firstTime('a', 2, bytes('z'));
    d.firstTime('a', 3, bytes('w')); // evicts (1, x)
    expect(d.firstTime('a', 1, bytes('y'))).toBe(false);
    expect(d.firstTime('a', 1, bytes('x'))).toBe(true);
  });

  it('with the same key, hashes the same after a restart; a message not kept can be unseen', () => {
    const key = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    const body = new TextEncoder().encode('hello\0');
    const first = new Dedupe(256, 4096, key);
    const hash = first.hashOf(body);
    expect(new Dedupe(256, 4096, key).hashOf(body)).toBe(hash);
    expect(new Dedupe().hashOf(body)).not.toBe(hash);
    const restarted = new Dedupe(256, 4096, key);
    restarted.remember('p', 7, hash);
    expect(restarted.firstTime('p', 7, body)).toBe(false);
    expect(first.firstTime('p', 9, body)).toBe(true);
    first.unsee('p', 9, first.hashOf(body));
    expect(first.firstTime('p', 9, body)).toBe(true);
    expect(first.firstTime('p', 9, body)).toBe(false);
  });

  it('hashes an ASCII key as hashOf hashes its UTF-8 bytes (the history keeps those hashes)', () => {
    const d = new Dedupe(256, 4096, new Uint8Array([9, 8, 7, 6, 5, 4, 3, 2]));
    const ascii = fc.stringMatching(/^[0-9A-Za-z:-]{0,300}$/);
    fc.assert(fc.property(ascii, (key) => d.hashOfAscii(key) === d.hashOf(bytes(key))));
    expect(d.hashOfAscii('snd-1a:0')).toBe(d.hashOf(bytes('snd-1a:0\0\0')));
  });
});

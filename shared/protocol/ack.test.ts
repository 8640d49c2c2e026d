import { describe, expect, it } from 'vitest';
import { buildAckExtra, parseAck } from './ack';
import { latin1Bytes, latin1Text } from './bytes';
import { parseAnsweredPacketNo } from './packet';

const b = (text: string) => latin1Bytes(text);
const PROOF = 'fedcba9876543210fedcba9876543210';

describe('RECVMSG extras with and without a proof', () => {
  it('reads the acks of IPMsg, iptux and older Pigeons: a number, no proof', () => {
    for (const extra of ['1234\0', '1234', ' 1234 \0\0\0', `1234${'\0'.repeat(64)}`])
      expect(parseAck(b(extra))).toEqual({ packetNo: 1234 });
  });

  it('reads the proof after the number and its NUL', () => {
    expect(parseAck(buildAckExtra(1234, PROOF))).toEqual({ packetNo: 1234, proof: PROOF });
    expect(latin1Text(buildAckExtra(7, PROOF))).toBe(`7\0PGPROOF:${PROOF}\0`);
  });

  it('hands on any proof text as it came (the caller compares it), within bounds', () => {
    expect(parseAck(b('5\0PGPROOF:nonsense\0'))).toEqual({ packetNo: 5, proof: 'nonsense' });
    expect(parseAck(b(`5\0PGPROOF:${'a'.repeat(200)}\0`))).toEqual({ packetNo: 5 });
    expect(parseAck(b(`5\0${'\0'.repeat(10)}PGPROOF:${PROOF}\0`))).toEqual({ packetNo: 5 });
  });

  it('gives -1 for an extra that does not start with a number', () => {
    expect(parseAck(b(`x5\0PGPROOF:${PROOF}\0`)).packetNo).toBe(-1);
    expect(parseAck(b('')).packetNo).toBe(-1);
  });

  it('what IPMsg (atoi) and the number parser of older Pigeons make of it', () => {
    const extra = buildAckExtra(1234, PROOF);
    // atoi stops at the NUL: the number is all an old client sees.
    expect(Number.parseInt(latin1Text(extra), 10)).toBe(1234);
    // Older Pigeons never get one: they send no nonce. Their parser would not read it.
    expect(parseAnsweredPacketNo(extra)).toBe(-1);
  });

  it('refuses to write a proof that is not 32 hex digits', () => {
    expect(() => buildAckExtra(1, 'xyz')).toThrow();
  });
});

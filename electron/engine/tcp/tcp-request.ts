import { COLON, Mode, modeOf, NUL, parseDatagram, type WirePacket } from '../../../shared/protocol';

/** How reading the request phase of a TCP connection stands after the bytes so far. */
export type RequestScan =
  | { state: 'partial' }
  | {
      state: 'complete';
      request: WirePacket;
      /** What arrived after the request (the start of a pushed picture, a stray NUL). */
      rest: Buffer;
    }
  | { state: 'refused'; code: 'too-long' | 'malformed'; message: string };

/**
 * Where a request ends. iptux ends its requests with a NUL (`…:96:pkt:fid:0\0`, and the
 * SENDSUBLAYER header before a picture: `…:765:\0`). IPMsg writes the colon after the last field
 * (`…:96:pkt:fid:offset:` for GETFILEDATA, `…:98:pkt:fid:` for GETDIRFILES) and then waits for
 * data, so for those two commands that colon ends the request too. Anything else must end with a
 * NUL, or with the peer closing its side (`atEnd`). Bytes are Latin-1 here: ':' and NUL never
 * occur inside a GBK or Shift-JIS character.
 */
export function scanRequest(bytes: Buffer, maxBytes: number, atEnd = false): RequestScan {
  // The cap counts the request with its terminator.
  const window = bytes.subarray(0, maxBytes);
  const nul = window.indexOf(NUL);
  const header = nul === -1 ? window : window.subarray(0, nul);
  const colons = colonPositions(header, 8);
  const c5 = colons[4];
  if (c5 !== undefined) {
    // The fixed header is here: refuse garbage now rather than hold a slot to the deadline.
    const head = parseDatagram(header.subarray(0, c5 + 1));
    if (!head.ok) return malformed(head.error.message);
    const closing = lastFieldColon(modeOf(head.value.command), colons);
    if (closing !== undefined) return complete(bytes, closing + 1, closing + 1);
  }
  if (nul !== -1) return complete(bytes, nul, nul + 1);
  if (bytes.length > maxBytes) {
    return {
      state: 'refused',
      code: 'too-long',
      message: `no complete request within ${maxBytes} bytes`,
    };
  }
  if (atEnd && bytes.length > 0) return complete(bytes, bytes.length, bytes.length);
  return { state: 'partial' };
}

/** Index of the colon that closes the last field, for requests whose last field has one. */
function lastFieldColon(mode: number, colons: number[]): number | undefined {
  if (mode === Mode.GETFILEDATA) return colons[7];
  if (mode === Mode.GETDIRFILES) return colons[6];
  return undefined;
}

function complete(bytes: Buffer, headerEnd: number, restStart: number): RequestScan {
  const parsed = parseDatagram(bytes.subarray(0, headerEnd));
  if (!parsed.ok) return malformed(parsed.error.message);
  return { state: 'complete', request: parsed.value, rest: bytes.subarray(restStart) };
}

function malformed(message: string): RequestScan {
  return { state: 'refused', code: 'malformed', message };
}

function colonPositions(bytes: Buffer, max: number): number[] {
  const out: number[] = [];
  let at = bytes.indexOf(COLON);
  while (at !== -1 && out.length < max) {
    out.push(at);
    at = bytes.indexOf(COLON, at + 1);
  }
  return out;
}

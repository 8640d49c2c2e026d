import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Probe-back cookies: proof that a requester receives at the address it claims. We answer a
 * probe-back request with a cookie (in a datagram no bigger than the request) and send probes
 * back only to a request that returns it. The cookie is an HMAC, under a secret that never
 * leaves this engine, of the requester's address, port and run id and of the time epoch, so it
 * cannot be guessed, cannot be reused for another address, port or run, and goes stale. Nothing
 * is stored per request: a flood of forged requests costs memory nothing.
 */
export const COOKIE_EPOCH_MS = 60_000;
const COOKIE_HEX = 16;

export class ProbeBackCookies {
  constructor(private readonly secret: Uint8Array = randomBytes(32)) {}

  /** The cookie for this requester and run, at time `now` (ms). */
  issue(address: string, port: number, runId: string, now: number): string {
    return this.mac(address, port, runId, epochOf(now));
  }

  /** Issued for this requester and run in this epoch or the one before (60 to 120 s). */
  verify(cookie: string, address: string, port: number, runId: string, now: number): boolean {
    if (cookie.length !== COOKIE_HEX) return false;
    const given = Buffer.from(cookie, 'latin1');
    const epoch = epochOf(now);
    for (const e of [epoch, epoch - 1]) {
      const expected = Buffer.from(this.mac(address, port, runId, e), 'latin1');
      if (timingSafeEqual(given, expected)) return true;
    }
    return false;
  }

  private mac(address: string, port: number, runId: string, epoch: number): string {
    return createHmac('sha256', this.secret)
      .update(`pigeon-probe-back|${epoch}|${address}|${port}|${runId.toLowerCase()}`)
      .digest('hex')
      .slice(0, COOKIE_HEX);
  }
}

function epochOf(now: number): number {
  return Math.floor(now / COOKIE_EPOCH_MS);
}

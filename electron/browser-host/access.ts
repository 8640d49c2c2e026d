import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, URL-safe: the secret in the printed URL that opens the UI. */
export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Constant-time comparison. Hashing first makes both sides the same length, so neither the
 * content nor the length of the real token leaks through timing.
 */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string' || given.length === 0 || given.length > 1024) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/**
 * Who may talk to the host: the exact origins ("http://127.0.0.1:PORT") of the URLs it prints,
 * and the Host headers those URLs produce. A page on any other origin (a web site the person
 * has open, or a DNS-rebound name pointing at 127.0.0.1) is refused before the token is looked at.
 */
export class AccessPolicy {
  private readonly origins: ReadonlySet<string>;
  private readonly hosts: ReadonlySet<string>;

  constructor(
    private readonly token: string,
    addresses: readonly string[],
    port: number,
  ) {
    const hosts = addresses.map((a) => `${a}:${port}`);
    this.hosts = new Set(hosts);
    this.origins = new Set(hosts.map((h) => `http://${h}`));
  }

  hostAllowed(host: string | undefined): boolean {
    return host !== undefined && this.hosts.has(host.toLowerCase());
  }

  originAllowed(origin: string | undefined): boolean {
    return origin !== undefined && this.origins.has(origin.toLowerCase());
  }

  tokenAllowed(given: string | null | undefined): boolean {
    return tokenMatches(this.token, given);
  }
}

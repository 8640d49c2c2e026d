/** Small pure checks shared by the request validators and the UI's forms. */

import { isIpv4, isPort } from '../protocol/address';

export { isIpv4, isPort };

/** A peer id is "address:port", as shared/model's peerId() builds it. */
export function isPeerId(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const i = value.lastIndexOf(':');
  if (i < 0) return false;
  const port = value.slice(i + 1);
  return isIpv4(value.slice(0, i)) && /^\d{1,5}$/.test(port) && isPort(Number(port));
}

/** Smallest subnet prefix the engine sweeps (it refuses anything larger than a /22). */
export const MIN_SWEEP_PREFIX = 22;

/** An extra host for unicast announcements: an IPv4 address or a subnet "a.b.c.d/22..32". */
export function isHostSpec(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const slash = value.indexOf('/');
  if (slash < 0) return isIpv4(value);
  const prefix = value.slice(slash + 1);
  if (!/^\d{1,2}$/.test(prefix)) return false;
  const bits = Number(prefix);
  return isIpv4(value.slice(0, slash)) && bits >= MIN_SWEEP_PREFIX && bits <= 32;
}

/** UTF-8 length without TextEncoder, so it runs in any JS environment. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Describes a received value for an error message without echoing untrusted content. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (typeof value === 'number') return Number.isFinite(value) ? `the number ${value}` : 'NaN';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

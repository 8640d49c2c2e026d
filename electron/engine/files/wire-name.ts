import type { WireEncoding } from '../../../shared/model';
import { encodeText, latin1Bytes } from '../../../shared/protocol';

/**
 * A file name as a peer reads it, in its encoding: in offers (attachment lists) and in folder
 * streams alike. A character the encoding lacks becomes '_' rather than costing the whole item.
 */
export function wireName(name: string, encoding: WireEncoding): Uint8Array {
  const exact = encodeText(name, encoding);
  if (exact.ok) return exact.bytes;
  let out = '';
  for (const ch of name) out += encodeText(ch, encoding).ok ? ch : '_';
  const fallback = encodeText(out, encoding);
  return fallback.ok ? fallback.bytes : latin1Bytes(name.replace(/[^\x20-\x7e]/g, '_'));
}

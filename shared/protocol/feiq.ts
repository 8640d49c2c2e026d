/**
 * FeiQ (飞秋) text conventions. FeiQ is closed source; these come from its clones (see notes).
 * Its messages end with a font description `{/font;...}` that other clients show verbatim, and
 * inline images appear as `/~#>IMAGEID<B~` markers whose data travels in FeiQ-only packets.
 */

const FONT_TAIL = /\{\/font;[^{}]*\}\s*$/;
const IMAGE_MARKER = /\/~#>[^<]{0,128}<B~/g;

export const FEIQ_IMAGE_PLACEHOLDER = '[图片 image]';

/** `{/font;` in ASCII: the same bytes in GBK and in UTF-8. */
const FONT_TAIL_START = [0x7b, 0x2f, 0x66, 0x6f, 0x6e, 0x74, 0x3b];

/**
 * The text's own bytes, before FeiQ's font tail. FeiQ writes the text in GBK, or as raw UTF-8
 * when GBK lacks a character (✓, emoji), and the font tail (`{/font;… 微软雅黑 …}`) in GBK
 * always: one body can hold two encodings, so the text is judged and decoded without its tail.
 * Only a tail that ends the body counts (a text may quote one); without one, the whole body.
 */
export function feiqTextBytes(body: Uint8Array): Uint8Array {
  const n = FONT_TAIL_START.length;
  for (let i = body.length - n; i >= 0; i--) {
    let match = true;
    for (let j = 0; j < n && match; j++) match = body[i + j] === FONT_TAIL_START[j];
    if (!match) continue;
    // A tail runs to the end: `{/font;…}` then only white space (as FONT_TAIL does for text).
    return isTailEnd(body, i + n) ? body.subarray(0, i) : body;
  }
  return body;
}

function isTailEnd(body: Uint8Array, from: number): boolean {
  let closed = false;
  for (let k = from; k < body.length; k++) {
    const b = body[k] as number;
    if (closed) {
      if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return false;
    } else if (b === 0x7d) closed = true;
    else if (b === 0x7b) return false;
  }
  return closed;
}

export function cleanFeiqText(text: string): string {
  return text.replace(FONT_TAIL, '').replace(IMAGE_MARKER, FEIQ_IMAGE_PLACEHOLDER);
}

/** FeiQ's version field: 1_lbt4_<icon>#<flags>#<MAC>#... The MAC identifies the user. */
export function parseFeiqVersion(version: string): { mac?: string } {
  const fields = version.split('#');
  const mac = fields[2];
  return mac && /^[0-9A-Fa-f]{12}$/.test(mac) ? { mac: mac.toUpperCase() } : {};
}

/**
 * FeiQ (飞秋) text conventions. FeiQ is closed source; these come from its clones (see notes).
 * Its messages end with a font description `{/font;...}` that other clients show verbatim, and
 * inline images appear as `/~#>IMAGEID<B~` markers whose data travels in FeiQ-only packets.
 */

const FONT_TAIL = /\{\/font;[^{}]*\}\s*$/;
const IMAGE_MARKER = /\/~#>[^<]{0,128}<B~/g;

export const FEIQ_IMAGE_PLACEHOLDER = '[图片 image]';

export function cleanFeiqText(text: string): string {
  return text.replace(FONT_TAIL, '').replace(IMAGE_MARKER, FEIQ_IMAGE_PLACEHOLDER);
}

/** FeiQ's version field: 1_lbt4_<icon>#<flags>#<MAC>#... The MAC identifies the user. */
export function parseFeiqVersion(version: string): { mac?: string } {
  const fields = version.split('#');
  const mac = fields[2];
  return mac && /^[0-9A-Fa-f]{12}$/.test(mac) ? { mac: mac.toUpperCase() } : {};
}

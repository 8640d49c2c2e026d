import { replaceHidden } from '../../../shared/text/hidden-chars';

/** Longest name we write, in UTF-8 bytes: what ext4, NTFS and APFS all take. */
const MAX_NAME_BYTES = 240;

/** Windows refuses these as file names whatever their extension (CON, con.txt, LPT1.tar.gz). */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;

export type SafeName = { ok: true; name: string } | { ok: false; reason: string };

/**
 * One path component from a peer's name, safe to create inside the chosen folder on any of our
 * platforms. A name is a label, never a path: separators, a drive prefix, characters that draw
 * nothing or reorder the text around them (`\u202Egnp.exe` shows as "exe.png"), and characters
 * Windows forbids become '_'; trailing dots and spaces go (Windows drops them, so `a.` would
 * open `a`); a device name gets a '_' in front. What is left must not be empty, '.' or '..'.
 */
export function safeFileName(raw: string): SafeName {
  let name = replaceHidden(raw, 'name', () => '_');
  // eslint-disable-next-line no-control-regex -- control characters are what is being replaced
  name = name.replace(/[/\\:*?"<>|\u0000-\u001f\u007f]/g, '_');
  name = name.replace(/[. ]+$/, '');
  if (name === '' || /^_*$/.test(name) || name === '.' || name === '..') {
    return { ok: false, reason: `the name ${JSON.stringify(raw.slice(0, 80))} names no file` };
  }
  if (WINDOWS_DEVICE.test(name)) name = `_${name}`;
  return { ok: true, name: truncateUtf8(name, MAX_NAME_BYTES) };
}

/**
 * For a folder's entries: the same, except that a component that tries to leave the folder
 * (`..`, `.`, or one with a separator) is refused outright instead of being renamed, so a
 * hostile tree is stopped at its first step out rather than quietly flattened.
 */
export function safeEntryName(raw: string): SafeName {
  if (raw === '.' || raw === '..' || /[/\\]/.test(raw) || /^[a-zA-Z]:/.test(raw)) {
    return { ok: false, reason: `${JSON.stringify(raw.slice(0, 80))} would leave the folder` };
  }
  return safeFileName(raw);
}

/** `name (2).ext` for the n-th try at a free name; the extension stays last. */
export function numberedName(name: string, n: number): string {
  if (n <= 1) return name;
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  return `${stem} (${n})${ext}`;
}

function truncateUtf8(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  let stem = ext ? name.slice(0, dot) : name;
  const budget = maxBytes - Buffer.byteLength(ext);
  // Cut between code points, never inside one.
  while (Buffer.byteLength(stem) > budget) stem = [...stem].slice(0, -1).join('');
  return stem + ext;
}

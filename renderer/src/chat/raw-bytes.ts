/** Base64 to a hex dump, 16 bytes a line with offsets, for messages that failed to decode. */
export function hexDump(base64: string, maxBytes = 1024): { lines: string[]; total: number } {
  let binary: string;
  try {
    binary = atob(base64);
  } catch {
    return { lines: [], total: 0 };
  }
  const lines: string[] = [];
  const shown = Math.min(binary.length, maxBytes);
  for (let off = 0; off < shown; off += 16) {
    const hex: string[] = [];
    let ascii = '';
    for (let i = off; i < Math.min(off + 16, shown); i++) {
      const b = binary.charCodeAt(i);
      hex.push(b.toString(16).padStart(2, '0'));
      ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    lines.push(`${off.toString(16).padStart(4, '0')}  ${hex.join(' ').padEnd(47)}  ${ascii}`);
  }
  if (binary.length > shown) lines.push('…');
  return { lines, total: binary.length };
}

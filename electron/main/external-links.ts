import type { Shell } from 'electron';

/**
 * Links in chat come from LAN peers: untrusted input. Only http(s) URLs that parse are handed
 * to the operating system; `file:`, `smb:`, `javascript:`, custom handlers and anything else
 * could launch programs or leak credentials, so they are dropped.
 */
export function externalUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  // Pass on the parser's serialisation, not the raw input, so what was checked is what is opened.
  return parsed.href;
}

/** Opens `url` in the person's browser when it is http(s); reports whether it did. */
export function openExternalSafely(shell: Pick<Shell, 'openExternal'>, url: string): boolean {
  const safe = externalUrl(url);
  if (safe === undefined) return false;
  shell.openExternal(safe).catch((err: unknown) => {
    console.warn(`pigeon: could not open ${safe}: ${String(err)}`);
  });
  return true;
}

/**
 * The renderer is served from `app://pigeon/`, never from file://, so it has a real origin that
 * the navigation policy, the IPC sender check and the CSP can all name.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'pigeon';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * True when `url` parses and belongs to our app origin. Compares scheme and host of the parsed
 * URL, never string prefixes (`app://pigeon.evil/` or `app://pigeon@evil/` must not pass).
 * Node's URL reports `origin === 'null'` for non-special schemes such as app:, so the origin is
 * rebuilt from its parts instead of read from `URL.origin`.
 */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

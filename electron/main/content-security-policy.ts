/**
 * Sent as a response header on everything app:// serves, so it applies even if index.html
 * lost its meta tag. 'self' is app://pigeon; no inline script, no eval, no remote anything: the
 * page shows text from strangers on the LAN and must not be able to load or run more code.
 * img-src allows data: for avatars and pasted images the renderer turns into data URLs.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
].join('; ');

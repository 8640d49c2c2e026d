/**
 * The renderer's Content Security Policy, defined once for every way the page is delivered:
 * the response header of both hosts (the Electron app's app:// protocol and the CLI's browser
 * host) and the `<meta http-equiv>` tag that vite.config.ts writes into the built index.html,
 * so the page stays locked even when something serves it without the header.
 *
 * 'self' is the page's own origin (app://pigeon, or the browser host's http://127.0.0.1:PORT).
 * No inline script, no eval, no remote anything: the page shows text from strangers on the LAN
 * and must not be able to load or run more code, nor send what it holds anywhere else.
 * img-src allows data: for avatars and pasted images the renderer turns into data URLs.
 *
 * No imports: vite.config.ts loads this file too.
 */
const DIRECTIVES: ReadonlyArray<readonly [directive: string, sources: string]> = [
  ['default-src', "'none'"],
  ['script-src', "'self'"],
  ['style-src', "'self'"],
  ['img-src', "'self' data:"],
  ['font-src', "'self'"],
  ['connect-src', "'self'"],
  // Neither falls back to default-src: without them an injected <base> or <form> could point
  // relative URLs or a submission at another origin.
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
];

/**
 * Only a header can carry frame-ancestors (browsers ignore it in a meta tag), and with it no
 * other site can frame the page to trick clicks out of its user.
 */
const HEADER_ONLY: ReadonlyArray<readonly [directive: string, sources: string]> = [
  ['frame-ancestors', "'none'"],
];

function serialise(directives: ReadonlyArray<readonly [string, string]>): string {
  return directives.map(([directive, sources]) => `${directive} ${sources}`).join('; ');
}

/** The `Content-Security-Policy` response header, sent with everything either host serves. */
export const CSP_HEADER = serialise([...DIRECTIVES, ...HEADER_ONLY]);

/** The `content` of the page's `<meta http-equiv="Content-Security-Policy">`. */
export const CSP_META = serialise(DIRECTIVES);

export type TextSegment =
  | { kind: 'text'; text: string }
  | {
      kind: 'link';
      text: string;
      /** Where the link really goes: the parsed URL, its host in ASCII (punycode). */
      href: string;
      /**
       * The ASCII host, set when the text does not show it as it is: an IDN (`аррӏе.com` is
       * `xn--80ak6aa92e.com`), characters the URL parser maps away (full-width letters, a
       * zero-width space), a numeric address, or a user name in front (`apple.com@evil.example`).
       */
      realHost?: string;
    };

// Stops at whitespace, quotes, angle brackets and CJK punctuation, which often follow a URL
// without a space in Chinese text.
const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"'`\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+/gi;
const TRAILING = /[.,;:!?)\]}]+$/;

function parseLink(candidate: string): { url: URL; withScheme: string } | null {
  const withScheme = /^www\./i.test(candidate) ? `https://${candidate}` : candidate;
  try {
    const url = new URL(withScheme);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (!url.hostname) return null;
    return { url, withScheme };
  } catch {
    return null;
  }
}

/** The host as a reader finds it in the text: after "//" and any "user@", before port and path. */
function writtenHost(withScheme: string): string {
  const authority = /^[a-z][a-z\d+.-]*:\/\/([^/?#\\]*)/i.exec(withScheme)?.[1] ?? '';
  return authority
    .slice(authority.lastIndexOf('@') + 1)
    .replace(/:\d*$/, '')
    .toLowerCase();
}

/**
 * Where a link goes (the URL parser's href, whose host is ASCII: IDNA turns it into punycode
 * and folds case and width), plus that host whenever the text does not show it as it is, or a
 * user name stands where a reader expects the host.
 */
export function linkTarget(candidate: string): { href: string; realHost?: string } | null {
  const parsed = parseLink(candidate);
  if (!parsed) return null;
  const { url, withScheme } = parsed;
  const hidden = url.username || url.password || writtenHost(withScheme) !== url.hostname;
  return hidden ? { href: url.href, realHost: url.hostname } : { href: url.href };
}

/** Only http(s) URLs become links; anything else (javascript:, file:, data:) stays text. */
export function safeHref(candidate: string): string | null {
  return linkTarget(candidate)?.href ?? null;
}

/** Splits peer text into plain runs and links; the caller renders both as text nodes. */
export function linkify(text: string): TextSegment[] {
  const out: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index;
    let raw = match[0];
    const trailing = TRAILING.exec(raw);
    // Keep a closing parenthesis that belongs to the URL, as in Wikipedia links.
    if (trailing && !(trailing[0] === ')' && raw.includes('(')))
      raw = raw.slice(0, -trailing[0].length);
    const target = linkTarget(raw);
    if (!target) continue;
    if (start > last) out.push({ kind: 'text', text: text.slice(last, start) });
    out.push({ kind: 'link', text: raw, ...target });
    last = start + raw.length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

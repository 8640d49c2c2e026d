import { describe, expect, it } from 'vitest';
import { CSP_HEADER, CSP_META } from './content-security-policy';

const directives = (policy: string) =>
  new Map(
    policy.split(';').map((d) => {
      const [name = '', ...sources] = d.trim().split(/\s+/);
      return [name, sources.join(' ')] as const;
    }),
  );

describe('the renderer CSP', () => {
  it('pins the header both hosts send', () => {
    expect(CSP_HEADER).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
        "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; " +
        "frame-ancestors 'none'",
    );
  });

  it('the header forbids framing, <base> and form submissions', () => {
    const header = directives(CSP_HEADER);
    expect(header.get('frame-ancestors')).toBe("'none'");
    expect(header.get('base-uri')).toBe("'none'");
    expect(header.get('form-action')).toBe("'none'");
  });

  it('the meta tag is the header without frame-ancestors, which browsers ignore there', () => {
    const meta = directives(CSP_META);
    expect(meta.has('frame-ancestors')).toBe(false);
    const header = directives(CSP_HEADER);
    header.delete('frame-ancestors');
    expect(meta).toEqual(header);
  });

  it('allows nothing inline, evaluated or remote', () => {
    for (const policy of [CSP_HEADER, CSP_META]) {
      expect(policy).not.toMatch(/unsafe-|\*|https?:|blob:/);
      expect(directives(policy).get('default-src')).toBe("'none'");
    }
  });
});

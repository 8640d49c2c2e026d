import { describe, expect, it } from 'vitest';
import { BRIDGE_PATH, injectBridge } from './index-html';

describe('injectBridge', () => {
  it('puts the bridge right before the module entry, changing nothing else', () => {
    const html = [
      '<!doctype html><html><head>',
      '<meta http-equiv="Content-Security-Policy" content="script-src \'self\'">',
      '<script type="module" crossorigin src="./assets/index-abc.js"></script>',
      '<link rel="stylesheet" href="./assets/index.css">',
      '</head><body><div id="root"></div></body></html>',
    ].join('\n');
    const out = injectBridge(html);
    expect(out).toContain(
      `<script src="${BRIDGE_PATH}"></script><script type="module" crossorigin src="./assets/index-abc.js">`,
    );
    expect(out.replace(`<script src="${BRIDGE_PATH}"></script>`, '')).toBe(html);
  });

  it('goes before the first module script only', () => {
    const out = injectBridge(
      '<script type=module src=a.js></script><script type="module"></script>',
    );
    expect(out.match(/__bridge/g)).toHaveLength(1);
    expect(out.startsWith(`<script src="${BRIDGE_PATH}"></script><script type=module`)).toBe(true);
  });

  it('refuses a page without a module entry rather than serving a page without the API', () => {
    expect(() => injectBridge('<html><script src="x.js"></script></html>')).toThrow(/module/);
  });
});

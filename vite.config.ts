import { defineConfig } from 'vite';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { CSP_META } from './electron/renderer-serving/content-security-policy';

/**
 * The built page carries its CSP as a meta tag as well as the hosts' header (one definition,
 * electron/renderer-serving), so it is safe even when served by something that forgets the
 * header. Build only: the dev server's React refresh needs an inline script that this policy
 * (rightly) forbids.
 */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'pigeon-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP_META },
        injectTo: 'head-prepend',
      },
    ],
  };
}

// The renderer only. Electron main, preload and the CLI are bundled by build/scripts/build.mjs.
// base './' keeps asset URLs relative, so the same bundle loads from app:// in Electron and from
// the CLI's WebSocket host in a browser.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), contentSecurityPolicy()],
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    target: 'chrome140',
    assetsDir: 'assets',
  },
  server: { host: '127.0.0.1', strictPort: true },
  preview: { host: '127.0.0.1', strictPort: true },
});

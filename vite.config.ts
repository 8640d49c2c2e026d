import { fileURLToPath } from 'node:url';
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

const page = (name: string) => fileURLToPath(new URL(`./renderer/${name}`, import.meta.url));

// The renderer only. Electron main, preload and the CLI are bundled by build/scripts/build.mjs.
// base './' keeps asset URLs relative, so the same bundle loads from app:// in Electron and from
// the CLI's browser host.
//
// Two pages: index.html is the app, the only page of a normal build (out/renderer, which the
// app and the CLI ship). demo.html is the app on an in-memory fake engine with sample data
// (renderer/src/demo); the dev server serves it at /demo.html, and `vite build --mode demo`
// (npm run build:demo) builds it alone into out/renderer-demo, so no demo code ever ships.
export default defineConfig(({ mode }) => {
  const demo = mode === 'demo';
  return {
    root: 'renderer',
    base: './',
    plugins: [react(), contentSecurityPolicy()],
    build: {
      outDir: demo ? '../out/renderer-demo' : '../out/renderer',
      emptyOutDir: true,
      target: 'chrome140',
      assetsDir: 'assets',
      rolldownOptions: { input: page(demo ? 'demo.html' : 'index.html') },
    },
    server: { host: '127.0.0.1', strictPort: true },
    preview: { host: '127.0.0.1', strictPort: true },
  };
});

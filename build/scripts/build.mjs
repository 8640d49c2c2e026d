#!/usr/bin/env node
// `npm run build`: everything the app and the CLI run, bundled into out/.
//   out/main/main.cjs        Electron main process (engine included), Node 24 / CommonJS
//   out/main/assets/         tray and window icons the main process loads at run time
//   out/preload/preload.cjs  the sandboxed preload: one file that may only require('electron')
//   out/cli/pigeon.cjs       the `pigeon` command, runnable by Node 22+
//   out/ui-bridge/bridge.js  the browser host's window.pigeon over WebSocket (`serve --ui`)
//   out/renderer/            the React UI (vite build, configured by vite.config.ts)
// Packaging ships out/** and package.json only (build/electron-builder.yml), so every bundle must
// be self-contained; the checks after bundling enforce that instead of hoping.
import { spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { historyWriterDefine } from './history-writer.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.join(root, 'out');
const rel = (p) => path.relative(root, p);

const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
// node:sqlite and friends are not always in builtinModules (experimental or prefix-only modules).
const isBuiltin = (id) => nodeBuiltins.has(id) || id.startsWith('node:');

/** Shared esbuild settings: one bundle, CommonJS, sourcemaps for readable stack traces. */
const common = {
  bundle: true,
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  metafile: true,
  absWorkingDir: root,
  legalComments: 'none',
};

const targets = [
  {
    name: 'main',
    entry: 'electron/main/main.ts',
    outfile: 'out/main/main.cjs',
    options: { platform: 'node', target: 'node24', external: ['electron'] },
    engine: true,
    // The main process may load electron and Node's builtins; anything else would be missing
    // from the asar, which holds no node_modules.
    allowExternal: (id) => id === 'electron' || isBuiltin(id),
  },
  {
    name: 'preload',
    entry: 'electron/preload/preload.ts',
    outfile: 'out/preload/preload.cjs',
    // A sandboxed preload has no Node: its require() knows only electron and a few polyfills.
    options: { platform: 'node', target: 'node24', external: ['electron'] },
    allowExternal: (id) => id === 'electron',
  },
  {
    name: 'cli',
    entry: 'electron/cli/main.ts',
    outfile: 'out/cli/pigeon.cjs',
    options: {
      platform: 'node',
      target: 'node22',
      banner: { js: '#!/usr/bin/env node' },
    },
    optional: 'the CLI is not written yet',
    engine: true,
    // ws (the browser host) tries these native speed-ups inside try/catch and works without them.
    allowExternal: (id) => isBuiltin(id) || id === 'bufferutil' || id === 'utf-8-validate',
    executable: true,
  },
  {
    name: 'ui-bridge',
    entry: 'electron/browser-host/bridge.ts',
    outfile: 'out/ui-bridge/bridge.js',
    // A classic script in the page, before the renderer's module: no imports, no Node.
    options: { platform: 'browser', format: 'iife', target: 'chrome140', sourcemap: false },
    allowExternal: () => false,
  },
];

async function bundle(t) {
  const entry = path.join(root, t.entry);
  if (!fs.existsSync(entry)) {
    if (t.optional) {
      console.warn(`build: warning: skipping ${t.name}: ${t.entry} does not exist (${t.optional})`);
      return;
    }
    throw new Error(`${t.entry} does not exist`);
  }
  const outfile = path.join(root, t.outfile);
  fs.rmSync(path.dirname(outfile), { recursive: true, force: true });
  // The engine's bundles carry the history's writer thread (history-writer.mjs).
  const define = t.engine ? await historyWriterDefine(root) : {};
  const result = await esbuild.build({
    ...common,
    ...t.options,
    define,
    entryPoints: [entry],
    outfile,
  });
  if (t.engine && !fs.readFileSync(outfile, 'utf8').includes('pigeon-history-writer'))
    throw new Error(`${t.outfile} lacks the history's writer thread`);
  const stray = externalImports(result.metafile).filter((id) => !t.allowExternal(id));
  if (stray.length > 0) {
    throw new Error(
      `${t.outfile} would need ${stray.join(', ')} at run time, which is not shipped`,
    );
  }
  if (t.executable) fs.chmodSync(outfile, 0o755);
  console.log(`build: ${t.entry} -> ${t.outfile} (${fs.statSync(outfile).size} bytes)`);
}

function externalImports(metafile) {
  const ids = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const imp of output.imports) if (imp.external) ids.add(imp.path);
  }
  return [...ids];
}

/** The tray and window icons are read by the main process at run time, so they live in out/. */
function copyMainAssets() {
  const dest = path.join(out, 'main', 'assets');
  fs.mkdirSync(dest, { recursive: true });
  const files = [
    ['build/tray/tray.png', 'tray.png'],
    ['build/tray/tray@2x.png', 'tray@2x.png'],
    ['build/tray/trayTemplate.png', 'trayTemplate.png'],
    ['build/tray/trayTemplate@2x.png', 'trayTemplate@2x.png'],
    ['build/icons/256x256.png', 'icon.png'],
  ];
  for (const [from, to] of files) fs.copyFileSync(path.join(root, from), path.join(dest, to));
  console.log(`build: icons -> ${rel(dest)}/`);
}

function buildRenderer() {
  const config = ['vite.config.ts', 'vite.config.mts', 'vite.config.js'].find((f) =>
    fs.existsSync(path.join(root, f)),
  );
  if (!config) {
    console.warn('build: warning: skipping the renderer: no vite.config.ts yet');
    return;
  }
  // Run vite with the Node that runs this script (the project's node@24), not whatever is on PATH.
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const run = spawnSync(process.execPath, [vite, 'build', '--config', config], {
    cwd: root,
    stdio: 'inherit',
  });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`vite build exited with ${run.status ?? run.signal}`);
}

try {
  for (const t of targets) await bundle(t);
  copyMainAssets();
  buildRenderer();
  console.log('build: done');
} catch (err) {
  // esbuild has already printed its diagnostics; say clearly that the build as a whole failed.
  console.error(`build: FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

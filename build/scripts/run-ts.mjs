// Run a TypeScript entry (benchmarks, one-off tools) on the Node that ships with Electron:
// esbuild bundles it to a temp .mjs first, so imports resolve exactly as in the app build.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyWriterDefine } from './history-writer.mjs';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: run-ts.mjs ENTRY.ts [args...]');
  process.exit(2);
}
const dir = mkdtempSync(path.join(tmpdir(), 'pigeon-run-'));
const outfile = path.join(dir, 'entry.mjs');
await build({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  outfile,
  logLevel: 'warning',
  // The history's writer thread, as the app's bundles carry it (history-writer.mjs).
  define: await historyWriterDefine(
    path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..'),
  ),
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
});
const r = spawnSync(process.execPath, [outfile, ...args], { stdio: 'inherit' });
rmSync(dir, { recursive: true, force: true });
process.exit(r.status ?? 1);

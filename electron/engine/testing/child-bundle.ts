import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

/**
 * A test's child-process program (testing/*-child.ts), bundled into one ES module in a temp
 * folder so that plain `node` runs it: an engine under a heap limit, or one a test kills. The
 * banner gives bundled CommonJS dependencies the `require` an ES module lacks. `dir` is the
 * temp folder, removed with the bundle (a test may keep its own files there).
 */
export async function bundleChild(
  source: string,
  prefix: string,
): Promise<{ dir: string; entry: string; remove(): void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const entry = path.join(dir, 'child.mjs');
  await build({
    entryPoints: [source],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: entry,
    logLevel: 'warning',
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  return { dir, entry, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

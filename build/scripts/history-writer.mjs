// The history's writer thread (electron/engine/history/writer-worker.ts) runs as its own
// program: a Worker started from a string, so that no file has to be found next to a bundle
// (or inside an asar). Every bundle of the engine defines it; writer-thread.ts reads it.
import path from 'node:path';
import * as esbuild from 'esbuild';

/** esbuild `define` entries that give a bundle of the engine its writer thread's program. */
export async function historyWriterDefine(root) {
  const result = await esbuild.build({
    entryPoints: [path.join(root, 'electron/engine/history/writer-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    write: false,
    logLevel: 'warning',
    legalComments: 'none',
  });
  const text = result.outputFiles[0]?.text;
  if (!text) throw new Error('the history writer bundled to nothing');
  return { __PIGEON_HISTORY_WRITER__: JSON.stringify(text) };
}

import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The repository's own eslint.config.mjs, linting imports as if they were written in a file at
// `file`: each layer rule must fire on a bad import and stay quiet on a good one. The imported
// files exist, so the rule sees what it sees in the real tree.
const root = path.resolve(__dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath: path.join(root, file) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'local/import-layers')
    .map((m) => m.message);
}

describe('layer rules (eslint.config.mjs, local/import-layers)', () => {
  it.each([
    ['electron/engine/x.ts', "import './testing/fake-clock';", 'production code never imports'],
    ['electron/main/x.ts', "import './test/fake-electron';", 'production code never imports'],
    ['renderer/src/app/x.ts', "import '../demo/fake-api';", 'production code never imports'],
    ['shared/model/x.ts', "import '../contract/api.test';", 'production code never imports'],
    ['electron/cli/x.ts', "import '../../e2e/support/chromium';", 'production code never imports'],
    ['shared/model/x.ts', "import '../../electron/engine/clock';", 'shared/ imports only shared/'],
    ['electron/main/x.ts', "import '../cli/args';", 'the Electron shell never imports'],
    ['electron/cli/x.ts', "import '../main/app-origin';", 'the CLI never imports the Electron'],
    ['electron/browser-host/x.ts', "import '../main/app-origin';", 'the browser host never'],
    ['electron/engine/x.ts', "import '../cli/args';", 'the engine never imports its hosts'],
    ['electron/engine/x.ts', "import '../browser-host/access';", 'the engine never imports'],
    ['electron/engine/x.ts', "import '../main/app-origin';", 'the engine never imports'],
    ['electron/renderer-serving/x.ts', "import '../main/app-origin';", 'imports none of them'],
    ['electron/renderer-serving/x.ts', "import '../browser-host/access';", 'imports none'],
    ['electron/renderer-serving/x.ts', "import '../cli/args';", 'imports none of them'],
  ])('%s: %s is refused', async (file, code, message) => {
    const errors = await layerErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
  });

  it('sees every form of import, however the path is spelled', async () => {
    const errors = await layerErrors(
      'electron/engine/x.ts',
      [
        "export * from '../main/app-origin';",
        "export { APP_ORIGIN } from '../../electron/main/app-origin';",
        "export const later = () => import('../cli/args');",
        "export type T = typeof import('../browser-host/access');",
      ].join('\n'),
    );
    expect(errors).toHaveLength(4);
  });

  it.each([
    ['electron/engine/x.test.ts', "import './testing/fake-clock';"],
    ['electron/preload/x.test.ts', "import '../main/test/fake-electron';"],
    ['renderer/src/demo/x.ts', "import './fake-api';"],
    ['electron/cli/x.ts', "import '../browser-host/browser-host';"],
    ['electron/main/x.ts', "import '../renderer-serving/renderer-files';"],
    ['electron/browser-host/x.ts', "import '../renderer-serving/renderer-files';"],
    ['electron/main/x.ts', "import '../engine/engine';"],
    ['renderer/src/app/x.ts', "import '../../../shared/diagnostics/echo-stats';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await layerErrors(file, code)).toEqual([]);
  });
});

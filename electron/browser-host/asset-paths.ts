import fs from 'node:fs';
import path from 'node:path';

export interface UiAssets {
  /** out/renderer: the renderer exactly as the Electron app loads it. */
  rendererDir: string;
  /** out/ui-bridge/bridge.js: the script that gives the page window.pigeon over WebSocket. */
  bridgeFile: string;
}

/**
 * Where the built UI is. Bundled, this code runs as out/cli/pigeon.cjs, so out/ is one level up;
 * from source (tests), it is the repository's out/.
 */
export function findUiAssets(from: string = __dirname): UiAssets | { missing: string } {
  const candidates = [path.resolve(from, '..'), path.resolve(from, '../../../out')];
  for (const out of candidates) {
    const assets = {
      rendererDir: path.join(out, 'renderer'),
      bridgeFile: path.join(out, 'ui-bridge', 'bridge.js'),
    };
    if (
      fs.existsSync(path.join(assets.rendererDir, 'index.html')) &&
      fs.existsSync(assets.bridgeFile)
    ) {
      return assets;
    }
  }
  return {
    missing: `the browser UI is not built (looked for renderer/index.html and ui-bridge/bridge.js in ${candidates.join(' and ')}): run npm run build`,
  };
}

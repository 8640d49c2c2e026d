import path from 'node:path';

/**
 * Where the built pieces live, relative to the app root (the folder with package.json, or
 * app.asar when packaged). Everything comes from out/, which is all the package ships.
 */
export function appPaths(appRoot: string) {
  const out = path.join(appRoot, 'out');
  return {
    renderer: path.join(out, 'renderer'),
    preload: path.join(out, 'preload', 'preload.cjs'),
    assets: path.join(out, 'main', 'assets'),
  };
}

/** macOS menu bars want a monochrome "Template" image; elsewhere the colour mark reads better. */
export function trayIconFile(assetsDir: string, platform: NodeJS.Platform): string {
  return path.join(assetsDir, platform === 'darwin' ? 'trayTemplate.png' : 'tray.png');
}

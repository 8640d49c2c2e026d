/** Where the host serves the bridge script; a path the renderer build can never produce. */
export const BRIDGE_PATH = '/__bridge.js';

const BRIDGE_TAG = `<script src="${BRIDGE_PATH}"></script>`;

/**
 * index.html as the browser host serves it: the bridge (a classic script, so it runs before any
 * module) goes right before the first module script, which is the renderer's entry. The file on
 * disk, and every other byte of the renderer, stay exactly what the Electron app loads.
 */
export function injectBridge(html: string): string {
  const entry = /<script\b[^>]*\btype=["']?module["']?[^>]*>/i.exec(html);
  if (!entry) throw new Error('index.html has no module script to put the bridge before');
  return html.slice(0, entry.index) + BRIDGE_TAG + html.slice(entry.index);
}

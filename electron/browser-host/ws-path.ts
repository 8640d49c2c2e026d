/** The WebSocket endpoint of the browser host; shared by the host and the page's bridge. */
export const WS_PATH = '/ipc';

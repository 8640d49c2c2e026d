import type { Session } from 'electron';

type PolicySession = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
>;

/**
 * The renderer needs one web permission: writing sanitized text to the clipboard ("Copy
 * diagnostics"). Notifications are shown by the main process, files go through the engine, and
 * there is no camera, microphone, geolocation or USB in a text messenger. Electron grants
 * everything by default, so every other request and check is refused; reading the clipboard too.
 */
const ALLOWED = new Set(['clipboard-sanitized-write']);

export function setupPermissionPolicy(session: PolicySession): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    callback(ALLOWED.has(permission));
  });
  session.setPermissionCheckHandler((_contents, permission) => ALLOWED.has(permission));
  session.setDevicePermissionHandler(() => false);
}

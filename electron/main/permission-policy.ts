import type { Session } from 'electron';

type PolicySession = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
>;

/**
 * The renderer needs no web permission: notifications are shown by the main process, files go
 * through the engine, and there is no camera, microphone, geolocation or USB in a text
 * messenger. Electron grants everything by default, so every request and check is refused.
 */
export function setupPermissionPolicy(session: PolicySession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => {
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

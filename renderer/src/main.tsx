import { startApp } from './app/start-app';

// The preload (Electron) or the bridge script (browser host) installs window.pigeon before this
// module runs; a page opened any other way has no engine to talk to.
void startApp(window.pigeon ?? null);

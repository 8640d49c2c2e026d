import type { App, HandlerDetails, Shell, WebContents, WindowOpenHandlerResponse } from 'electron';
import { isAppUrl } from './app-origin';
import { openExternalSafely } from './external-links';

type PolicyContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/**
 * What a page may do with URLs. Pigeon is a single page: it never navigates, never opens windows
 * and never embeds <webview>. A page that tries anyway is either a bug or rendered peer content,
 * so the attempt is refused in the main process, where a compromised renderer cannot undo it.
 */
export function setupNavigationPolicy(
  contents: PolicyContents,
  shell: Pick<Shell, 'openExternal'>,
): void {
  contents.on('will-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  // A same-origin navigation could still be redirected off-origin by a handler.
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler((details) => windowOpenDecision(details, shell));
}

/**
 * window.open and target=_blank links never create an Electron window (it would inherit our
 * preload). http(s) links, e.g. a URL a peer sent in chat, go to the person's browser instead.
 */
export function windowOpenDecision(
  details: Pick<HandlerDetails, 'url'>,
  shell: Pick<Shell, 'openExternal'>,
): WindowOpenHandlerResponse {
  openExternalSafely(shell, details.url);
  return { action: 'deny' };
}

/** Applies the policy to every WebContents the app ever creates, not only the main window's. */
export function setupWebContentsPolicy(
  app: Pick<App, 'on'>,
  shell: Pick<Shell, 'openExternal'>,
): void {
  app.on('web-contents-created', (_event, contents) => {
    setupNavigationPolicy(contents, shell);
  });
}

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { PigeonApi } from '../../../shared/contract';
import { attachDiagnostics } from '../diagnostics/echo-store';
import { initI18n } from '../i18n/i18n';
import { connect } from '../store/app-store';
import { applyTheme } from '../theme/apply-theme';
import { App } from './app';
import '../styles/tokens.css';
import '../styles/base.css';

/**
 * Renders the app and connects it to an engine: the host's (main.tsx), or the demo's in-memory
 * fake (demo/main.tsx, never in a production build). With null, no host gave the page an API,
 * and the status screen says how to get one.
 */
export function startApp(api: PigeonApi | null): Promise<void> {
  initI18n();
  applyTheme('system');
  const root = document.getElementById('root');
  if (root) {
    createRoot(root).render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
  }
  if (api) attachDiagnostics(api);
  return connect(api);
}

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { resolveApi } from './api/resolve-api';
import { App } from './app/app';
import { attachDiagnostics } from './diagnostics/echo-store';
import { initI18n } from './i18n/i18n';
import { connect } from './store/app-store';
import { applyTheme } from './theme/apply-theme';
import './styles/tokens.css';
import './styles/base.css';

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

void resolveApi().then(({ api }) => {
  if (api) attachDiagnostics(api);
  return connect(api);
});

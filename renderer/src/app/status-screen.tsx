import { useTranslation } from 'react-i18next';
import { useApp } from '../store/app-store';
import type { AppState } from '../store/app-state';
import { PigeonMark } from '../ui/pigeon-mark';
import './status-screen.css';

/** What shows before the main window: connecting, no host, or a failed start. */
export function StatusScreen({ status }: { status: Exclude<AppState['status'], 'ready'> }) {
  const { t } = useTranslation();
  const loadError = useApp((s) => s.loadError);
  return (
    <div className="status-screen" aria-busy={status === 'loading'}>
      <PigeonMark size={72} />
      {status === 'loading' && <p className="status-text">{t('app.loading')}</p>}
      {status === 'no-host' && (
        <>
          <h1>{t('app.noHostTitle')}</h1>
          <p className="status-text">{t('app.noHostBody')}</p>
        </>
      )}
      {status === 'error' && (
        <>
          <h1>{t('app.loadErrorTitle')}</h1>
          <p className="status-text">{loadError}</p>
        </>
      )}
    </div>
  );
}

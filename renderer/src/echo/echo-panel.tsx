import { useTranslation } from 'react-i18next';
import { EchoIcon } from '../ui/icons';
import './echo-panel.css';

/** The echo test's place in the window; the panel itself is its own piece of work. */
export function EchoPanel() {
  const { t } = useTranslation();
  return (
    <section className="echo-panel" aria-labelledby="echo-title">
      <div className="echo-placeholder">
        <span className="echo-icon" aria-hidden="true">
          <EchoIcon size={30} />
        </span>
        <h1 id="echo-title">{t('echo.title')}</h1>
        <span className="echo-soon">{t('echo.coming')}</span>
        <p>{t('echo.body')}</p>
      </div>
    </section>
  );
}

import { useTranslation } from 'react-i18next';
import { outcomeText } from '../../../shared/model/texts';
import { dismissEngineError, useApp } from '../store/app-store';
import { AlertIcon, CloseIcon } from '../ui/icons';
import './engine-banner.css';

/** The engine's own trouble (port in use, socket errors) across the top of the window. */
export function EngineBanner() {
  const { t, i18n } = useTranslation();
  const error = useApp((s) => s.engineError);
  if (!error) return null;
  return (
    <div className="engine-banner" role="alert">
      <AlertIcon size={18} />
      <p>
        <strong>{t('notice.engineError')}</strong>{' '}
        {outcomeText(error, i18n.language === 'zh-CN' ? 'zh-CN' : 'en')}
      </p>
      <button
        type="button"
        className="icon-button"
        aria-label={t('notice.dismiss')}
        title={t('notice.dismiss')}
        onClick={dismissEngineError}
      >
        <CloseIcon size={16} />
      </button>
    </div>
  );
}

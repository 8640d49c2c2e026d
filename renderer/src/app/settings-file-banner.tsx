import { useTranslation } from 'react-i18next';
import { outcomeText } from '../../../shared/model/texts';
import { dismissSettingsProblems, useApp } from '../store/app-store';
import { AlertIcon, CloseIcon } from '../ui/icons';
import './engine-banner.css';

/**
 * What was wrong with settings.json and what Pigeon did instead (moved it aside, kept it as it
 * is): it stays until dismissed, since it names a file the person may want to look at.
 */
export function SettingsFileBanner() {
  const { t, i18n } = useTranslation();
  const problems = useApp((s) => s.settingsProblems);
  if (problems.length === 0) return null;
  const lang = i18n.language === 'zh-CN' ? 'zh-CN' : 'en';
  return (
    <div className="engine-banner settings-file-banner" role="alert">
      <AlertIcon size={18} />
      <div className="settings-file-banner-text">
        <strong>{t('notice.settingsFile')}</strong>
        {problems.map((p, i) => (
          <p key={i}>{outcomeText(p, lang)}</p>
        ))}
      </div>
      <button
        type="button"
        className="icon-button"
        aria-label={t('notice.dismiss')}
        title={t('notice.dismiss')}
        onClick={dismissSettingsProblems}
      >
        <CloseIcon size={16} />
      </button>
    </div>
  );
}

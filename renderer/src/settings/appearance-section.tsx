import { useTranslation } from 'react-i18next';
import type { AppSettings, Language, Theme } from '../../../shared/contract';
import { updateSettings } from '../store/app-store';

const THEMES: Theme[] = ['system', 'light', 'dark'];

/** Language and theme apply as soon as they are picked. */
export function AppearanceSection({ settings }: { settings: AppSettings }) {
  const { t } = useTranslation();
  const themeLabel = (theme: Theme) =>
    theme === 'system' ? t('settings.followSystem') : t(`settings.${theme}`);
  return (
    <section className="card" aria-labelledby="settings-appearance">
      <h2 id="settings-appearance">{t('settings.appearance')}</h2>
      <div className="form-grid">
        <div className="field">
          <label htmlFor="settings-language" className="field-label">
            {t('settings.language')}
          </label>
          <select
            id="settings-language"
            className="input select"
            value={settings.language}
            onChange={(e) => void updateSettings({ language: e.target.value as Language })}
          >
            <option value="system">{t('settings.followSystem')}</option>
            <option value="zh-CN">{t('language.zh-CN')}</option>
            <option value="en">{t('language.en')}</option>
          </select>
        </div>
        <fieldset className="field segmented-field">
          <legend className="field-label">{t('settings.theme')}</legend>
          <div className="segmented">
            {THEMES.map((theme) => (
              <label key={theme} className="segment">
                <input
                  type="radio"
                  name="theme"
                  value={theme}
                  checked={settings.theme === theme}
                  onChange={() => void updateSettings({ theme })}
                />
                <span>{themeLabel(theme)}</span>
              </label>
            ))}
          </div>
        </fieldset>
      </div>
    </section>
  );
}

import { useTranslation } from 'react-i18next';
import type { AppSettings } from '../../../shared/contract';
import { updateSettings } from '../store/app-store';

type DesktopKey = 'notifications' | 'startAtLogin' | 'minimizeToTray';
const KEYS: DesktopKey[] = ['notifications', 'minimizeToTray', 'startAtLogin'];

/**
 * How the desktop app behaves around its window; each applies as soon as it is ticked. Only the
 * Electron app has a tray, notifications and a login item, so a browser page does not show them.
 */
export function DesktopSection({ settings }: { settings: AppSettings }) {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="settings-desktop">
      <h2 id="settings-desktop">{t('settings.desktop')}</h2>
      <div className="desktop-options">
        {KEYS.map((key) => (
          <div key={key} className="desktop-option">
            <label className="check">
              <input
                type="checkbox"
                checked={settings[key]}
                aria-describedby={`settings-${key}-hint`}
                onChange={(e) => void updateSettings({ [key]: e.target.checked })}
              />
              <span>{t(`settings.${key}`)}</span>
            </label>
            <p id={`settings-${key}-hint`} className="field-hint">
              {t(`settings.${key}Hint`)}
            </p>
          </div>
        ))}
      </div>
    </section>
  );
}

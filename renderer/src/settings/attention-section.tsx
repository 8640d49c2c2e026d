import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppSettings } from '../../../shared/contract';
import { AWAY_MESSAGE_MAX_CHARS } from '../../../shared/model';
import { updateSettings } from '../store/app-store';

/**
 * Away (with its automatic reply) and do-not-disturb. The switches apply at once; the away
 * message when the field is left, so typing does not announce every keystroke.
 */
export function AttentionSection({ settings }: { settings: AppSettings }) {
  const { t } = useTranslation();
  const [message, setMessage] = useState(settings.awayMessage);
  const saveMessage = () => {
    if (message.trim() !== settings.awayMessage) void updateSettings({ awayMessage: message });
  };
  return (
    <section className="card" aria-labelledby="settings-attention">
      <h2 id="settings-attention">{t('attention.title')}</h2>
      <div className="form-grid">
        <label className="field check-field">
          <input
            type="checkbox"
            checked={settings.away}
            onChange={(e) => void updateSettings({ away: e.target.checked })}
          />
          <span>{t('attention.away')}</span>
        </label>
        <p className="field-hint">{t('attention.awayHint')}</p>
        <div className="field">
          <label htmlFor="settings-away-message" className="field-label">
            {t('attention.awayMessage')}
          </label>
          <textarea
            id="settings-away-message"
            className="input"
            rows={2}
            maxLength={AWAY_MESSAGE_MAX_CHARS}
            value={message}
            placeholder={t('attention.awayMessagePlaceholder')}
            onChange={(e) => setMessage(e.target.value)}
            onBlur={saveMessage}
          />
        </div>
        <label className="field check-field">
          <input
            type="checkbox"
            checked={settings.doNotDisturb}
            onChange={(e) => void updateSettings({ doNotDisturb: e.target.checked })}
          />
          <span>{t('attention.doNotDisturb')}</span>
        </label>
        <p className="field-hint">{t('attention.doNotDisturbHint')}</p>
      </div>
    </section>
  );
}

import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LIMITS } from '../../../shared/contract';
import { updateSettings, useApp } from '../store/app-store';
import { Field } from '../ui/field';
import { PigeonMark } from '../ui/pigeon-mark';
import { SettingsFileBanner } from '../app/settings-file-banner';
import './first-run.css';

/** Before anything else: the name and group others will see, prefilled from this computer. */
export function FirstRun() {
  const { t } = useTranslation();
  const suggested = useApp((s) => s.info?.suggested);
  const [nick, setNick] = useState(suggested?.nick ?? '');
  const [group, setGroup] = useState(suggested?.group ?? '');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const nickError = nick.trim() ? undefined : t('settings.nickEmpty');

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (nickError) return;
    setBusy(true);
    await updateSettings({ nick: nick.trim(), group: group.trim() });
    setBusy(false);
  }

  return (
    <main className="first-run">
      {/* A damaged settings file brings a person back here: say why, and where it went. */}
      <SettingsFileBanner />
      <form className="first-run-card" onSubmit={(e) => void submit(e)} noValidate>
        <PigeonMark size={64} />
        <h1>{t('firstRun.title')}</h1>
        <p className="first-run-body">{t('firstRun.body')}</p>
        <Field label={t('firstRun.nick')} error={touched ? nickError : undefined}>
          {(props) => (
            <input
              {...props}
              className="input"
              autoFocus
              maxLength={LIMITS.nickChars}
              value={nick}
              onChange={(e) => setNick(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('firstRun.group')}>
          {(props) => (
            <input
              {...props}
              className="input"
              maxLength={LIMITS.groupChars}
              placeholder={t('firstRun.groupPlaceholder')}
              value={group}
              onChange={(e) => setGroup(e.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="button button-primary button-large" disabled={busy}>
          {t('firstRun.start')}
        </button>
        <p className="first-run-hint">{t('firstRun.hint')}</p>
      </form>
    </main>
  );
}

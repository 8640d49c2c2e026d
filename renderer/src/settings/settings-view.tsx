import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppSettings } from '../../../shared/contract';
import type { InterfacesReport } from '../../../shared/model';
import { notify, updateSettings, useApp } from '../store/app-store';
import { Field } from '../ui/field';
import { AppearanceSection } from './appearance-section';
import { AttentionSection } from './attention-section';
import { DesktopSection } from './desktop-section';
import { HistorySection } from './history-section';
import { BroadcastPicker, InterfacesSection, useInterfaces } from './interfaces-section';
import { formFrom, patchFrom, validateForm } from './settings-form';
import type { SettingsForm } from './settings-form';
import './settings.css';

/** Profile and network (saved together); away, appearance and the desktop (applied at once). */
export function SettingsView() {
  const { t } = useTranslation();
  const settings = useApp((s) => s.settings);
  const version = useApp((s) => s.info?.version ?? '');
  const desktop = useApp((s) => s.info?.shell === 'electron');
  const interfaces = useInterfaces();
  if (!settings) return null;
  return (
    <section className="settings" aria-labelledby="settings-title">
      <div className="settings-column">
        <header className="settings-heading">
          <h1 id="settings-title">{t('settings.title')}</h1>
          <p title={t('settings.aboutBody')}>{t('settings.version', { version })}</p>
        </header>
        <ProfileAndNetwork
          key={JSON.stringify(formFrom(settings))}
          settings={settings}
          interfaces={interfaces}
        >
          <AttentionSection key={settings.awayMessage} settings={settings} />
          <AppearanceSection settings={settings} />
          {desktop && <DesktopSection settings={settings} />}
          <HistorySection />
        </ProfileAndNetwork>
      </div>
    </section>
  );
}

/**
 * Profile and network fields are saved together; `children` (appearance) sits inside the same
 * scrolling form so the sticky save bar stays at the bottom of the page, but applies at once.
 */
function ProfileAndNetwork({
  settings,
  interfaces,
  children,
}: {
  settings: AppSettings;
  interfaces: InterfacesReport | null;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const [form, setForm] = useState<SettingsForm>(() => formFrom(settings));
  const [busy, setBusy] = useState(false);
  const errors = validateForm(form, t);
  const patch = patchFrom(form, settings);
  const dirty = Object.keys(patch).length > 0;
  const invalid = Object.keys(errors).length > 0;

  const set = (key: keyof SettingsForm) => (value: string) =>
    setForm((f) => ({ ...f, [key]: value }));

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!dirty || invalid) return;
    setBusy(true);
    const result = await updateSettings(patch);
    setBusy(false);
    if (result)
      notify('info', result.restartRequired ? t('settings.restartRequired') : t('settings.saved'));
  }

  const text = (key: keyof SettingsForm, label: string, hint?: string, extra = {}) => (
    <Field label={label} hint={hint} error={errors[key]}>
      {(props) => (
        <input
          {...props}
          {...extra}
          className="input"
          value={form[key]}
          onChange={(e) => set(key)(e.target.value)}
          spellCheck={false}
        />
      )}
    </Field>
  );
  const area = (key: 'broadcast' | 'unicastHosts', label: string, hint: string, ph: string) => (
    <Field label={label} hint={hint} error={errors[key]}>
      {(props) => (
        <textarea
          {...props}
          className="input textarea"
          rows={3}
          value={form[key]}
          placeholder={ph}
          onChange={(e) => set(key)(e.target.value)}
          spellCheck={false}
        />
      )}
    </Field>
  );

  return (
    <form className="settings-form" onSubmit={(e) => void save(e)} noValidate>
      <section className="card" aria-labelledby="settings-profile">
        <h2 id="settings-profile">{t('settings.profile')}</h2>
        <div className="form-grid">
          {text('nick', t('settings.nick'), t('settings.nickHint'), { maxLength: 64 })}
          {text('group', t('settings.group'), t('settings.groupHint'), { maxLength: 64 })}
          <ReadOnly label={t('settings.user')} value={settings.user} />
          <ReadOnly label={t('settings.host')} value={settings.host} />
        </div>
        <p className="card-note">{t('settings.identityHint')}</p>
      </section>
      <section className="card" aria-labelledby="settings-network">
        <h2 id="settings-network">{t('settings.network')}</h2>
        <div className="form-grid">
          {text('port', t('settings.port'), t('settings.portHint'), { inputMode: 'numeric' })}
          {text('bind', t('settings.bind'), t('settings.bindHint'))}
        </div>
        {area('broadcast', t('settings.broadcast'), t('settings.broadcastHint'), '192.168.1.255')}
        <BroadcastPicker
          value={form.broadcast}
          onChange={set('broadcast')}
          interfaces={interfaces?.interfaces ?? []}
        />
        {area('unicastHosts', t('settings.unicastHosts'), t('settings.unicastHint'), '10.1.2.0/24')}
        <p className="card-note">{t('settings.restartNote')}</p>
      </section>
      <InterfacesSection report={interfaces} />
      {children}
      <div className={`settings-actions${dirty ? ' is-dirty' : ''}`}>
        <button
          type="button"
          className="button button-secondary"
          disabled={!dirty || busy}
          onClick={() => setForm(formFrom(settings))}
        >
          {t('settings.reset')}
        </button>
        <button
          type="submit"
          className="button button-primary"
          disabled={!dirty || invalid || busy}
        >
          {t('settings.save')}
        </button>
      </div>
    </form>
  );
}

function ReadOnly({ label, value }: { label: string; value: string }) {
  return (
    <Field label={label}>
      {(props) => <input {...props} className="input" value={value} readOnly />}
    </Field>
  );
}

import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { EchoMode } from '../../../shared/model';
import { checkEchoForm } from './echo-form';
import type { EchoForm, FormErrors } from './echo-form';
import { setForm, startEcho, stopEcho, useEcho } from './echo-store';
import { runningRun } from './echo-state';
import { ModePicker } from './mode-picker';
import { TargetField } from './target-field';

const MODES: EchoMode[] = ['pigeon', 'ipmsg', 'raw'];

/** Where to, how (mode) and how much (count, interval, size, timeout); Start and Stop. */
export function EchoControls() {
  const { t } = useTranslation();
  const form = useEcho((s) => s.form);
  const running = useEcho((s) => runningRun(s) !== undefined);
  const [submitted, setSubmitted] = useState<FormErrors>({});
  // Field errors show as the person types once a start was refused, and go when fixed.
  const live = Object.keys(submitted).length ? checkEchoForm(form).errors : {};
  const errors: FormErrors = { ...live, ...(submitted.target ? { target: submitted.target } : {}) };

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    if (running) {
      await stopEcho();
      return;
    }
    setSubmitted(await startEcho());
  }

  const number = (key: 'count' | 'intervalMs' | 'size' | 'timeoutMs', label: string) => {
    const error = errors[key];
    const disabled = key === 'size' && form.mode === 'ipmsg';
    return (
      <div className={`field echo-number${error ? ' has-error' : ''}`}>
        <label htmlFor={`echo-${key}`} className="field-label">
          {label}
        </label>
        <input
          id={`echo-${key}`}
          className="input"
          inputMode="decimal"
          value={disabled ? '' : form[key]}
          placeholder={disabled ? t('echo.sizeFixed') : undefined}
          disabled={disabled}
          aria-invalid={Boolean(error)}
          aria-describedby={error ? `echo-${key}-error` : undefined}
          onChange={(e) => setForm({ [key]: e.target.value } as Partial<EchoForm>)}
          spellCheck={false}
        />
        {error && (
          <p id={`echo-${key}-error`} className="field-error">
            {t(error.key, error.values)}
          </p>
        )}
      </div>
    );
  };

  return (
    <form className="card echo-controls" onSubmit={(e) => void submit(e)} noValidate>
      <div className="echo-controls-row">
        <TargetField
          error={errors.target}
          onEnter={() => {
            if (!running) void submit();
          }}
        />
        <ModePicker
          name="echo-mode"
          label={t('echo.mode')}
          value={form.mode}
          options={MODES.map((m) => ({ value: m, label: t(`echo.modes.${m}`) }))}
          hint={t(`echo.modeHints.${form.mode}`)}
          onChange={(mode) => setForm({ mode })}
          disabled={running}
        />
      </div>
      <div className="echo-controls-row echo-params">
        {number('count', t('echo.count'))}
        {number('intervalMs', t('echo.interval'))}
        {number('size', t('echo.size'))}
        {number('timeoutMs', t('echo.timeout'))}
        <label
          className={`check echo-both${form.mode !== 'pigeon' ? ' is-disabled' : ''}`}
          title={t('echo.probeBackHint')}
        >
          <input
            type="checkbox"
            checked={form.mode === 'pigeon' && form.probeBack}
            disabled={form.mode !== 'pigeon' || running}
            onChange={(e) => setForm({ probeBack: e.target.checked })}
            aria-describedby="echo-both-hint"
          />
          <span>{t('echo.probeBack')}</span>
          <span id="echo-both-hint" className="visually-hidden">
            {t('echo.probeBackHint')}
          </span>
        </label>
        <button
          type="submit"
          className={`button ${running ? 'button-danger' : 'button-primary'} echo-start`}
        >
          {running ? <StopGlyph /> : <PlayGlyph />}
          {running ? t('echo.stop') : t('echo.start')}
        </button>
      </div>
    </form>
  );
}

function PlayGlyph() {
  return (
    <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
      <path
        d="M3 1.8v8.4a.6.6 0 0 0 .9.5l6.6-4.2a.6.6 0 0 0 0-1L3.9 1.3a.6.6 0 0 0-.9.5Z"
        fill="currentColor"
      />
    </svg>
  );
}

function StopGlyph() {
  return (
    <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
      <rect x="2" y="2" width="8" height="8" rx="1.5" fill="currentColor" />
    </svg>
  );
}

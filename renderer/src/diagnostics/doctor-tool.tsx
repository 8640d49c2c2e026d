import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { problemText } from './problem-text';
import type { DoctorReport, Verdict } from '../../../shared/model';
import { updateSettings, useApp, notify } from '../store/app-store';
import { peerLabel } from '../../../shared/text/hidden-chars';
import { AlertIcon, CheckIcon } from '../ui/icons';
import { PeerText } from '../ui/peer-text';
import { runDoctor, useEcho } from './echo-store';
import { DoctorChecks } from './doctor-checks';
import { TargetField } from './target-field';

/** The "Why can't I see …?" tab: one address checked, the verdict in a sentence with its fix. */
export function DoctorTool() {
  const { t } = useTranslation();
  const task = useEcho((s) => s.doctor);
  const running = task.state === 'running';
  return (
    <>
      <form
        className="card tool-controls"
        onSubmit={(e) => {
          e.preventDefault();
          if (!running) void runDoctor();
        }}
        noValidate
      >
        <p className="tool-intro">{t('echo.doctor.intro')}</p>
        <div className="echo-controls-row">
          <TargetField onEnter={() => !running && void runDoctor()} />
          <div className="tool-action">
            <button type="submit" className="button button-primary" disabled={running}>
              {running ? t('echo.doctor.checking') : t('echo.doctor.run')}
            </button>
          </div>
        </div>
      </form>
      {task.state === 'running' && <DoctorProgress to={task.to} startedAt={task.startedAt} />}
      {task.state === 'done' && <DoctorResult report={task.result} />}
      {task.state === 'failed' && (
        <p className="card tool-failed" role="alert">
          {t('echo.doctor.failed', { error: task.error })}
        </p>
      )}
    </>
  );
}

const STEPS = ['subnet', 'broadcast', 'echo', 'back', 'tcp'] as const;

/** The doctor reports only at the end; the steps advance with the time it usually takes. */
function DoctorProgress({ to, startedAt }: { to: string; startedAt: number }) {
  const { t } = useTranslation();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 250);
    return () => window.clearInterval(timer);
  }, []);
  const step = Math.min(STEPS.length - 1, Math.floor((now - startedAt) / 900));
  return (
    <section className="card doctor-card" aria-busy="true" aria-labelledby="doctor-progress">
      <header className="run-header">
        <div className="run-title">
          <h2 id="doctor-progress">{t('echo.doctor.checkingTarget', { to })}</h2>
          <p>{t('echo.doctor.checkingBody')}</p>
        </div>
      </header>
      <ol className="doctor-steps">
        {STEPS.map((s, i) => (
          <li key={s} className={i < step ? 'is-done' : i === step ? 'is-current' : ''}>
            {i < step ? <CheckIcon size={14} /> : <span className="step-dot" aria-hidden="true" />}
            {t(`echo.doctor.steps.${s}`)}
          </li>
        ))}
      </ol>
    </section>
  );
}

function DoctorResult({ report }: { report: DoctorReport }) {
  const { t } = useTranslation();
  const who = report.target.nick
    ? t('echo.doctor.who', { nick: peerLabel(report.target.nick), address: report.target.address })
    : report.target.address;
  if (report.error) {
    return (
      <p className="card tool-failed" role="alert">
        {t('echo.doctor.failed', { error: problemText(report.problem, report.error) })}
      </p>
    );
  }
  const [first, ...more] = report.verdicts;
  return (
    <>
      <section className="card doctor-card" aria-labelledby="doctor-title">
        <header className="run-header">
          <div className="run-title">
            <h2 id="doctor-title">{t('echo.doctor.title', { who })}</h2>
            <p>{t('echo.doctor.took', { seconds: (report.durationMs / 1000).toFixed(1) })}</p>
          </div>
        </header>
        {first && <VerdictBlock verdict={first} main />}
        {more.length > 0 && (
          <div className="verdict-more">
            <h3>{t('echo.doctor.more')}</h3>
            {more.map((v) => (
              <VerdictBlock key={v.code} verdict={v} />
            ))}
          </div>
        )}
      </section>
      <DoctorChecks report={report} />
    </>
  );
}

/** The doctor's sentence in the UI language, with a one-click fix where there is one. */
function VerdictBlock({ verdict, main }: { verdict: Verdict; main?: boolean }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'zh-CN' ? 'zh-CN' : 'en';
  const hosts = useApp((s) => s.settings?.unicastHosts ?? []);
  const add =
    verdict.code === 'different-subnet' || verdict.code === 'different-subnet-silent'
      ? String(verdict.params.subnet ?? '')
      : verdict.code === 'broadcast-blocked'
        ? String(verdict.params.address ?? '')
        : '';
  const added = add !== '' && hosts.includes(add);
  return (
    <div
      className={`verdict verdict-${verdict.severity}${main ? ' is-main' : ''}`}
      role={main ? 'status' : undefined}
    >
      <span className="verdict-icon" aria-hidden="true">
        {verdict.severity === 'ok' ? (
          <CheckIcon size={main ? 20 : 16} />
        ) : (
          <AlertIcon size={main ? 20 : 16} />
        )}
      </span>
      <div className="verdict-body">
        {main && <p className="verdict-kind">{t(`echo.doctor.severity.${verdict.severity}`)}</p>}
        <p className="verdict-text">
          {/* The doctor's sentence may quote the peer's nick. */}
          <PeerText text={verdict.text[lang]} mode="text" />
        </p>
        {add && (
          <button
            type="button"
            className="button button-secondary button-small"
            disabled={added}
            onClick={() => {
              void updateSettings({ unicastHosts: [...hosts, add] }).then((r) => {
                if (r) notify('info', t('echo.doctor.addedHost', { host: add }));
              });
            }}
          >
            {added
              ? t('echo.doctor.hostAdded', { host: add })
              : t('echo.doctor.addHost', { host: add })}
          </button>
        )}
      </div>
    </div>
  );
}

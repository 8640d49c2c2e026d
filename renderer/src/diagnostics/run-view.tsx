import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { EchoIcon } from '../ui/icons';
import { formatTime } from '../ui/format';
import { peerLabel } from '../../../shared/text/hidden-chars';
import { PeerText } from '../ui/peer-text';
import { firstPending } from './chart-model';
import { EchoSummary } from './echo-summary';
import type { EchoRun } from './echo-state';
import { formatCount, formatPlain } from './format-echo';
import { RttChart } from './rtt-chart';

/** "Bea · 198.18.0.11" as a string (for labels): the nick is a peer's, so it is a peerLabel. */
export function runLabel(run: EchoRun): string {
  return run.nick ? `${peerLabel(run.nick)} · ${run.to}` : run.to;
}

/** The same, rendered: the nick isolated, its hidden characters marked. */
export function RunLabel({ run }: { run: EchoRun }) {
  if (!run.nick) return <>{run.to}</>;
  return (
    <>
      <PeerText text={run.nick} /> · {run.to}
    </>
  );
}

/** "Pigeon echo · 50 × 200 ms · 64 bytes · 12:03" */
export function runParamsText(run: EchoRun, t: TFunction, lang: string): string {
  const p = run.params;
  const parts = [
    t(`echo.modes.${p.mode}`),
    t('echo.run.cadence', {
      n: formatCount(p.count, lang),
      interval: formatPlain(p.intervalMs, lang),
    }),
    t('echo.run.bytes', { size: formatCount(run.size, lang) }),
  ];
  if (p.probeBack) parts.push(t('echo.probeBack'));
  parts.push(formatTime(run.startedAt, lang));
  return parts.join(' · ');
}

export function RunStatus({ run }: { run: EchoRun }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  if (run.state === 'running')
    return (
      <span className="run-status is-running">
        <span className="pulse" aria-hidden="true" />
        {t('echo.run.running', {
          done: formatCount(firstPending(run.samples), lang),
          total: formatCount(run.params.count, lang),
        })}
      </span>
    );
  if (run.state === 'failed')
    return (
      <span className="run-status is-failed">
        {t('echo.run.failed', { error: run.error ?? '' })}
      </span>
    );
  const duration = run.durationMs === null ? '–' : (run.durationMs / 1000).toFixed(1);
  return (
    <span className={`run-status${run.state === 'cancelled' ? ' is-cancelled' : ''}`}>
      {run.state === 'cancelled'
        ? t('echo.run.cancelled')
        : t('echo.run.done', { seconds: duration })}
    </span>
  );
}

/** One run: who and how, the chart, the numbers. */
export function RunView({ run }: { run: EchoRun }) {
  const { t, i18n } = useTranslation();
  return (
    <article className="card run-card" aria-labelledby={`run-${run.runId}`}>
      <header className="run-header">
        <div className="run-title">
          <h2 id={`run-${run.runId}`}>
            <RunLabel run={run} />
          </h2>
          <p>{runParamsText(run, t, i18n.language)}</p>
        </div>
        <RunStatus run={run} />
      </header>
      <RttChart run={run} />
      <EchoSummary stats={run.stats} reverse={run.reverse} />
    </article>
  );
}

export function NoRunYet() {
  const { t } = useTranslation();
  return (
    <div className="card run-card run-empty">
      <span className="empty-icon" aria-hidden="true">
        <EchoIcon size={26} />
      </span>
      <p className="empty-title">{t('echo.empty.title')}</p>
      <p className="empty-body">{t('echo.empty.body')}</p>
    </div>
  );
}

import { useTranslation } from 'react-i18next';
import { clearCompare, pickForCompare, selectRun, useEcho } from './echo-store';
import { shownRun } from './echo-state';
import type { EchoRun } from './echo-state';
import { formatMs, formatPercent } from './format-echo';
import { formatTime } from '../ui/format';
import { peerLabel } from '../../../shared/text/hidden-chars';
import { PeerText } from '../ui/peer-text';

/** The session's runs, newest first: pick one to show, tick two to compare. */
export function RunHistory() {
  const { t } = useTranslation();
  const runs = useEcho((s) => s.runs);
  const compare = useEcho((s) => s.compare);
  const shown = useEcho((s) => shownRun(s)?.runId);
  return (
    <aside className="card run-history" aria-labelledby="run-history-title">
      <header className="run-history-header">
        <h2 id="run-history-title">{t('echo.runs.title')}</h2>
        {compare.length === 1 && (
          <button type="button" className="link-button" onClick={clearCompare}>
            {t('echo.runs.clear')}
          </button>
        )}
      </header>
      {runs.length === 0 ? (
        <p className="run-history-empty">{t('echo.runs.empty')}</p>
      ) : (
        <>
          <ul className="run-list">
            {runs.map((run) => (
              <RunItem
                key={run.runId}
                run={run}
                shown={run.runId === shown && compare.length < 2}
                picked={compare.indexOf(run.runId)}
              />
            ))}
          </ul>
          <p className="run-history-hint">
            {compare.length === 2 ? t('echo.runs.comparing') : t('echo.runs.compareHint')}
          </p>
        </>
      )}
    </aside>
  );
}

function RunItem({ run, shown, picked }: { run: EchoRun; shown: boolean; picked: number }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const label = run.nick || run.to;
  const loss = run.stats.received + run.stats.lost > 0 ? formatPercent(run.stats.loss, lang) : '–';
  return (
    <li className={`run-item${shown ? ' is-shown' : ''}${picked >= 0 ? ' is-picked' : ''}`}>
      <input
        type="checkbox"
        className="run-pick"
        checked={picked >= 0}
        onChange={() => pickForCompare(run.runId)}
        aria-label={t('echo.runs.pick', { label: peerLabel(label) })}
      />
      <button
        type="button"
        className="run-select"
        aria-current={shown ? 'true' : undefined}
        onClick={() => {
          clearCompare();
          selectRun(run.runId);
        }}
      >
        <span className="run-item-line">
          <span className="run-item-name" title={run.to}>
            {picked >= 0 && (
              <span className={`pick-badge pick-${picked === 0 ? 'a' : 'b'}`} aria-hidden="true">
                {picked === 0 ? 'A' : 'B'}
              </span>
            )}
            <PeerText text={label} />
          </span>
          <span className="run-item-time">{formatTime(run.startedAt, lang)}</span>
        </span>
        <span className="run-item-line run-item-sub">
          <span>
            {run.state === 'running' && <span className="pulse" aria-hidden="true" />}
            {t(`echo.modes.${run.params.mode}`)}
          </span>
          <span className="run-item-figures">
            <span className={run.stats.loss > 0 ? 'is-bad' : undefined}>{loss}</span>
            <span>{formatMs(run.stats.rttMs?.avg, lang)} ms</span>
          </span>
        </span>
      </button>
    </li>
  );
}

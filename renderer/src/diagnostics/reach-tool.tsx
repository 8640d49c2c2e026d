import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReachResponder, ReachResult } from '../../../shared/model';
import { clientLabel } from '../peers/client-label';
import { PeerText } from '../ui/peer-text';
import { runReach, useEcho } from './echo-store';
import { formatMs } from './format-echo';
import { ModePicker } from './mode-picker';

/** The Broadcast reach tab: one probe to each broadcast target, who answered, per interface. */
export function ReachTool() {
  const { t } = useTranslation();
  const task = useEcho((s) => s.reach);
  const [mode, setMode] = useState<'pigeon' | 'ipmsg'>('ipmsg');
  const running = task.state === 'running';
  return (
    <>
      <form
        className="card tool-controls"
        onSubmit={(e) => {
          e.preventDefault();
          if (!running) void runReach(mode);
        }}
        noValidate
      >
        <p className="tool-intro">{t('echo.reach.intro')}</p>
        <div className="echo-controls-row">
          <ModePicker
            name="reach-mode"
            label={t('echo.reach.ask')}
            value={mode}
            options={[
              { value: 'ipmsg', label: t('echo.reach.everyone') },
              { value: 'pigeon', label: t('echo.reach.pigeons') },
            ]}
            hint={t(`echo.reach.hint.${mode}`)}
            onChange={setMode}
            disabled={running}
          />
          <div className="tool-action">
            <button type="submit" className="button button-primary" disabled={running}>
              {running ? t('echo.reach.listening') : t('echo.reach.run')}
            </button>
          </div>
        </div>
      </form>
      {task.state === 'running' && (
        <section className="card reach-card" aria-busy="true">
          <p className="run-status is-running">
            <span className="pulse" aria-hidden="true" />
            {t('echo.reach.waiting')}
          </p>
        </section>
      )}
      {task.state === 'done' && <ReachResultCard result={task.result} />}
      {task.state === 'failed' && (
        <p className="card tool-failed" role="alert">
          {t('echo.reach.failed', { error: task.error })}
        </p>
      )}
    </>
  );
}

function ReachResultCard({ result }: { result: ReachResult }) {
  const { t } = useTranslation();
  const total =
    result.interfaces.reduce((n, i) => n + i.responders.length, 0) + result.elsewhere.length;
  return (
    <section className="card reach-card" aria-labelledby="reach-title">
      <header className="run-header">
        <div className="run-title">
          <h2 id="reach-title">{t('echo.reach.answered', { count: total })}</h2>
          <p>
            {t(result.mode === 'pigeon' ? 'echo.reach.pigeons' : 'echo.reach.everyone')} ·{' '}
            {t('echo.reach.targets', { targets: result.targets.map((x) => x.target).join(', ') })}
          </p>
        </div>
      </header>
      <div className="reach-groups">
        {result.interfaces.map((i) => (
          <section key={`${i.name}-${i.address}`} className="reach-group" aria-label={i.name}>
            <h3>
              <span className="iface-name">{i.name}</span>
              <span className="iface-meta">
                {i.address} · {i.subnet}
              </span>
              {i.announced ? (
                <span className="tag tag-good">
                  {t('echo.reach.count', { count: i.responders.length })}
                </span>
              ) : (
                <span className="tag">{t('echo.reach.notAnnounced')}</span>
              )}
            </h3>
            <Responders list={i.responders} empty={i.announced ? t('echo.reach.nobody') : ''} />
          </section>
        ))}
        {result.elsewhere.length > 0 && (
          <section className="reach-group" aria-label={t('echo.reach.elsewhere')}>
            <h3>
              <span className="iface-name">{t('echo.reach.elsewhere')}</span>
            </h3>
            <Responders list={result.elsewhere} empty="" />
          </section>
        )}
      </div>
    </section>
  );
}

function Responders({ list, empty }: { list: ReachResponder[]; empty: string }) {
  const { t, i18n } = useTranslation();
  if (list.length === 0) return empty ? <p className="reach-empty">{empty}</p> : null;
  return (
    <ul className="responder-list">
      {list.map((r) => (
        <li key={`${r.address}:${r.port}`}>
          <span className="responder-name">
            <PeerText text={r.nick || r.address} />
          </span>
          <span className="responder-address">
            {r.address}
            {r.port !== 2425 ? `:${r.port}` : ''}
          </span>
          {r.client && (
            <span className={`client-tag client-${r.client}`}>{clientLabel(t, r.client)}</span>
          )}
          <span className="responder-rtt">{formatMs(r.rttMs, i18n.language)} ms</span>
        </li>
      ))}
    </ul>
  );
}

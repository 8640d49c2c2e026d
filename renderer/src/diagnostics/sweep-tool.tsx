import { useTranslation } from 'react-i18next';
import type { SweepResult, SweepStep } from '../../../shared/model';
import { niceCeil } from './chart-model';
import { runSweep, setForm, stopSweep, useEcho } from './echo-store';
import { formatBytes, formatMs } from './format-echo';
import { ModePicker } from './mode-picker';
import { TargetField } from './target-field';

/** The Size sweep tab: the largest datagram that gets there and back, beside the path's MTU. */
export function SweepTool() {
  const { t } = useTranslation();
  const task = useEcho((s) => s.sweep);
  const steps = useEcho((s) => s.sweepSteps);
  const mode = useEcho((s) => (s.form.mode === 'raw' ? 'raw' : 'pigeon'));
  const running = task.state === 'running';
  return (
    <>
      <form
        className="card tool-controls"
        onSubmit={(e) => {
          e.preventDefault();
          void (running ? stopSweep() : runSweep());
        }}
        noValidate
      >
        <p className="tool-intro">{t('echo.sweep.intro')}</p>
        <div className="echo-controls-row">
          <TargetField onEnter={() => !running && void runSweep()} />
          <ModePicker
            name="sweep-mode"
            label={t('echo.mode')}
            value={mode}
            options={[
              { value: 'pigeon', label: t('echo.modes.pigeon') },
              { value: 'raw', label: t('echo.modes.raw') },
            ]}
            hint={t('echo.sweep.modeHint')}
            onChange={(m) => setForm({ mode: m })}
            disabled={running}
          />
          <div className="tool-action">
            <button
              type="submit"
              className={`button ${running ? 'button-danger' : 'button-primary'}`}
            >
              {running ? t('echo.stop') : t('echo.sweep.run')}
            </button>
          </div>
        </div>
      </form>
      {task.state === 'running' && <SweepProgressCard steps={steps} to={task.to} />}
      {task.state === 'done' && <SweepResultCard result={task.result} />}
      {task.state === 'failed' && (
        <p className="card tool-failed" role="alert">
          {t('echo.sweep.failed', { error: task.error })}
        </p>
      )}
    </>
  );
}

function SweepProgressCard({ steps, to }: { steps: readonly SweepStep[]; to: string }) {
  const { t } = useTranslation();
  return (
    <section className="card sweep-card" aria-busy="true" aria-labelledby="sweep-progress-title">
      <header className="run-header">
        <div className="run-title">
          <h2 id="sweep-progress-title">{t('echo.sweep.running', { to })}</h2>
          <p>{t('echo.sweep.runningBody')}</p>
        </div>
        <span className="run-status is-running">
          <span className="pulse" aria-hidden="true" />
          {t('echo.sweep.tried', { count: steps.length })}
        </span>
      </header>
      <StepList steps={steps} />
    </section>
  );
}

function SweepResultCard({ result }: { result: SweepResult }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { largestPassing, path } = result;
  const unfragmented = path.unfragmentedMax;
  let verdict: { tone: string; text: string };
  if (largestPassing === null) verdict = { tone: 'is-bad', text: t('echo.sweep.none') };
  else if (result.fragmented)
    verdict = {
      tone: 'is-good',
      text: t('echo.sweep.fragmented', { limit: formatBytes(unfragmented, lang) }),
    };
  else if (
    result.smallestFailing !== null &&
    unfragmented !== null &&
    largestPassing === unfragmented
  )
    verdict = { tone: 'is-warn', text: t('echo.sweep.noFragments') };
  else if (
    result.smallestFailing !== null &&
    unfragmented !== null &&
    largestPassing < unfragmented
  )
    verdict = { tone: 'is-bad', text: t('echo.sweep.belowMtu') };
  else verdict = { tone: 'is-good', text: t('echo.sweep.fits') };
  return (
    <section className="card sweep-card" aria-labelledby="sweep-title">
      <header className="run-header">
        <div className="run-title">
          <h2 id="sweep-title">{t('echo.sweep.resultTitle', { to: result.target.address })}</h2>
          <p>
            {result.state === 'cancelled' ? `${t('echo.run.cancelled')} · ` : ''}
            {t(`echo.modes.${result.mode}`)}
          </p>
        </div>
      </header>
      <div className="sweep-figures">
        <Figure
          label={t('echo.sweep.largest')}
          value={largestPassing === null ? '–' : formatBytes(largestPassing, lang)}
          unit={t('echo.sweep.bytes')}
          strong
        />
        <Figure
          label={t('echo.sweep.mtu', { iface: path.interface ?? '?' })}
          value={path.mtu === null ? '–' : formatBytes(path.mtu, lang)}
          unit={t('echo.sweep.bytes')}
        />
        <Figure
          label={t('echo.sweep.unfragmented')}
          value={unfragmented === null ? '–' : formatBytes(unfragmented, lang)}
          unit={t('echo.sweep.bytes')}
        />
        <Figure
          label={t('echo.sweep.fragments')}
          value={
            result.fragmented === null
              ? '–'
              : result.fragmented
                ? t('echo.sweep.needed')
                : t('echo.sweep.notNeeded')
          }
        />
      </div>
      <SizeScale result={result} />
      <p className={`sweep-verdict ${verdict.tone}`}>{verdict.text}</p>
      {result.appliedLimit !== null && (
        <p className="sweep-applied">
          {t('echo.sweep.applied', { limit: formatBytes(result.appliedLimit, lang) })}
        </p>
      )}
      <details className="sweep-steps">
        <summary>{t('echo.sweep.steps', { count: result.steps.length })}</summary>
        <StepList steps={result.steps} />
      </details>
    </section>
  );
}

function Figure({
  label,
  value,
  unit,
  strong,
}: {
  label: string;
  value: string;
  unit?: string;
  strong?: boolean;
}) {
  return (
    <div className={`figure${strong ? ' is-strong' : ''}`}>
      <span className="figure-label">{label}</span>
      <span className="figure-value">
        {value}
        {unit && value !== '–' && <small> {unit}</small>}
      </span>
    </div>
  );
}

/**
 * Sizes on one axis: what passed (green) up to the largest, what failed (red) from the
 * smallest failure, and the one-frame limit (MTU − 28) as a mark.
 */
function SizeScale({ result }: { result: SweepResult }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const sizes = result.steps.map((s) => s.size);
  const unfragmented = result.path.unfragmentedMax;
  // Room on the right of the frame mark, so a failure just past it is visible.
  const top = niceCeil(Math.max(...sizes, (unfragmented ?? 0) * 2, 1));
  const pct = (n: number) => `${Math.min(100, (n / top) * 100)}%`;
  const pass = result.largestPassing;
  const fail = result.smallestFailing;
  return (
    <div className="size-scale" aria-hidden="true">
      <div className="size-track">
        {pass !== null && <span className="size-pass" style={{ width: pct(pass) }} />}
        {fail !== null && <span className="size-fail" style={{ left: pct(fail), right: 0 }} />}
        {unfragmented !== null && (
          <span className="size-mtu" style={{ left: pct(unfragmented) }}>
            <span className="size-mtu-label">
              {t('echo.sweep.frame', { size: formatBytes(unfragmented, lang) })}
            </span>
          </span>
        )}
      </div>
      <div className="size-axis">
        <span>0</span>
        <span>{formatBytes(top, lang)}</span>
      </div>
    </div>
  );
}

function StepList({ steps }: { steps: readonly SweepStep[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  return (
    <ol className="step-list">
      {steps.map((s, i) => (
        <li key={i} className={s.passed ? 'is-pass' : 'is-fail'}>
          <span className="step-size">{formatBytes(s.size, lang)}</span>
          <span className="step-result">
            {s.passed
              ? s.rttMs !== undefined
                ? t('echo.sweep.passedIn', { rtt: formatMs(s.rttMs, lang) })
                : t('echo.sweep.passed')
              : t('echo.sweep.failedStep')}
          </span>
        </li>
      ))}
    </ol>
  );
}

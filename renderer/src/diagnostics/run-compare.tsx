import { useTranslation } from 'react-i18next';
import { scaleTop } from './chart-model';
import { clearCompare } from './echo-store';
import type { EchoRun } from './echo-state';
import { formatCount, formatMs, formatPercent } from './format-echo';
import { RttChart } from './rtt-chart';
import { RunLabel, RunStatus, runLabel, runParamsText } from './run-view';

interface Metric {
  label: string;
  a: number | null;
  b: number | null;
  format: (v: number | null) => string;
  /** Lower is better for every metric here except "received". */
  higherIsBetter?: boolean;
}

/** Two runs side by side on one scale, then their numbers in one table with the difference. */
export function RunCompare({ runs }: { runs: [EchoRun, EchoRun] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [a, b] = runs;
  const yMax = Math.max(scaleTop(a.samples), scaleTop(b.samples));
  const ms = (v: number | null) => (v === null ? '–' : `${formatMs(v, lang)} ms`);
  const metrics: Metric[] = [
    {
      label: t('echo.stats.received'),
      a: a.stats.received,
      b: b.stats.received,
      format: (v) => (v === null ? '–' : formatCount(v, lang)),
      higherIsBetter: true,
    },
    {
      label: t('echo.stats.loss'),
      a: a.stats.loss,
      b: b.stats.loss,
      format: (v) => formatPercent(v, lang),
    },
    {
      label: t('echo.stats.duplicates'),
      a: a.stats.duplicates,
      b: b.stats.duplicates,
      format: (v) => (v === null ? '–' : formatCount(v, lang)),
    },
    {
      label: t('echo.stats.reordered'),
      a: a.stats.reordered,
      b: b.stats.reordered,
      format: (v) => (v === null ? '–' : formatCount(v, lang)),
    },
    ...(['min', 'avg', 'p50', 'p95', 'max'] as const).map((k): Metric => ({
      label: t(`echo.stats.${k}`),
      a: a.stats.rttMs?.[k] ?? null,
      b: b.stats.rttMs?.[k] ?? null,
      format: ms,
    })),
    { label: t('echo.stats.jitter'), a: a.stats.jitterMs, b: b.stats.jitterMs, format: ms },
  ];
  return (
    <article className="card run-card compare-card" aria-labelledby="compare-title">
      <header className="run-header">
        <div className="run-title">
          <h2 id="compare-title">{t('echo.compare.title')}</h2>
          <p>{t('echo.compare.sameScale')}</p>
        </div>
        <button
          type="button"
          className="button button-secondary button-small"
          onClick={clearCompare}
        >
          {t('echo.runs.clear')}
        </button>
      </header>
      <div className="compare-charts">
        {runs.map((run, i) => (
          <section key={run.runId} className="compare-side" aria-label={runLabel(run)}>
            <h3>
              <span className={`pick-badge pick-${i === 0 ? 'a' : 'b'}`} aria-hidden="true">
                {i === 0 ? 'A' : 'B'}
              </span>
              <span className="compare-name">
                <RunLabel run={run} />
              </span>
            </h3>
            <p className="compare-params">{runParamsText(run, t, lang)}</p>
            <RttChart run={run} yMax={yMax} height={150} legend={false} />
            <RunStatus run={run} />
          </section>
        ))}
      </div>
      <table className="compare-table">
        <thead>
          <tr>
            <th scope="col">{t('echo.compare.metric')}</th>
            <th scope="col">
              <span className="pick-badge pick-a">A</span>
            </th>
            <th scope="col">
              <span className="pick-badge pick-b">B</span>
            </th>
            <th scope="col">{t('echo.compare.delta')}</th>
          </tr>
        </thead>
        <tbody>
          {metrics.map((m) => {
            const better =
              m.a === null || m.b === null || m.a === m.b
                ? null
                : m.b < m.a !== Boolean(m.higherIsBetter)
                  ? 'b'
                  : 'a';
            return (
              <tr key={m.label}>
                <th scope="row">{m.label}</th>
                <td className={better === 'a' ? 'is-better' : undefined}>{m.format(m.a)}</td>
                <td className={better === 'b' ? 'is-better' : undefined}>{m.format(m.b)}</td>
                <td className="compare-delta">{delta(m)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </article>
  );
}

/** B minus A, in the metric's own unit. */
function delta(m: Metric): string {
  if (m.a === null || m.b === null) return '–';
  const d = m.b - m.a;
  if (d === 0) return '±0';
  return `${d > 0 ? '+' : '−'}${m.format(Math.abs(d))}`;
}

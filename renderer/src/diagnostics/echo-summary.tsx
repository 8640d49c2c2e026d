import { useTranslation } from 'react-i18next';
import type { EchoReverse, EchoStats } from '../../../shared/model';
import { formatCount, formatMs, formatPercent } from './format-echo';

/** The run in numbers: probes (sent, received, loss …) and round trips (min … max, jitter). */
export function EchoSummary({ stats, reverse }: { stats: EchoStats; reverse: EchoReverse | null }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const rtt = stats.rttMs;
  const probes: [string, string, string?][] = [
    [t('echo.stats.sent'), formatCount(stats.sent, lang)],
    [t('echo.stats.received'), formatCount(stats.received, lang)],
    [t('echo.stats.loss'), formatPercent(stats.loss, lang), stats.loss > 0 ? 'is-bad' : undefined],
    [t('echo.stats.duplicates'), formatCount(stats.duplicates, lang)],
    [t('echo.stats.reordered'), formatCount(stats.reordered, lang)],
  ];
  if (stats.late) probes.push([t('echo.stats.late'), formatCount(stats.late, lang)]);
  if (stats.errors)
    probes.push([t('echo.stats.errors'), formatCount(stats.errors, lang), 'is-bad']);
  if (stats.altered)
    probes.push([t('echo.stats.altered'), formatCount(stats.altered, lang), 'is-bad']);
  const times: [string, string][] = [
    [t('echo.stats.min'), formatMs(rtt?.min, lang)],
    [t('echo.stats.avg'), formatMs(rtt?.avg, lang)],
    [t('echo.stats.p50'), formatMs(rtt?.p50, lang)],
    [t('echo.stats.p95'), formatMs(rtt?.p95, lang)],
    [t('echo.stats.max'), formatMs(rtt?.max, lang)],
    [t('echo.stats.jitter'), formatMs(stats.jitterMs, lang)],
  ];
  return (
    <div className="echo-summary">
      <StatGroup title={t('echo.stats.probes')} items={probes} />
      <StatGroup title={t('echo.stats.rtt')} items={times} />
      {reverse && <ReverseLine reverse={reverse} />}
    </div>
  );
}

function StatGroup({ title, items }: { title: string; items: [string, string, string?][] }) {
  return (
    <section className="stat-group" aria-label={title}>
      <h3>{title}</h3>
      <dl className="stat-grid">
        {items.map(([label, value, tone]) => (
          <div key={label} className={`stat${tone ? ` ${tone}` : ''}`}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** The other direction: probes the peer sent us from a new port, on request. */
function ReverseLine({ reverse }: { reverse: EchoReverse }) {
  const { t } = useTranslation();
  const { granted, received } = reverse;
  let tone = 'is-muted';
  let text = t('echo.reverse.waiting', { requested: reverse.requested });
  if (granted === 0) text = t('echo.reverse.refused');
  else if (granted !== null && reverse.loss !== null) {
    tone = received === 0 ? 'is-bad' : received < granted ? 'is-warn' : 'is-good';
    text =
      received === 0
        ? t('echo.reverse.none', { granted })
        : t('echo.reverse.some', { received, granted });
  } else if (granted !== null) {
    text = t('echo.reverse.arriving', { received, granted });
  }
  return (
    <p className={`reverse-line ${tone}`}>
      <strong>{t('echo.reverse.title')}</strong> {text}
    </p>
  );
}

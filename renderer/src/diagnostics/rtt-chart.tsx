import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { chartGeometry, firstPending } from './chart-model';
import type { EchoRun } from './echo-state';
import { formatAxisMs, formatMs } from './format-echo';

interface RttChartProps {
  run: EchoRun;
  /** A shared scale, so two runs side by side can be compared by eye. */
  yMax?: number;
  height?: number;
  /** Show what the marks mean under the chart. */
  legend?: boolean;
}

/** Width of the element, following resizes (the chart draws in pixels so text stays crisp). */
function useWidth<T extends HTMLElement>(): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.round(entry.contentRect.width));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

/** Short windows get a shorter chart, so the form and the chart fit in one screen. */
function useShortWindow(): boolean {
  const query = '(max-height: 700px)';
  const [short, setShort] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const m = window.matchMedia(query);
    const on = () => setShort(m.matches);
    m.addEventListener('change', on);
    return () => m.removeEventListener('change', on);
  }, []);
  return short;
}

/**
 * Round trips of one run, probe by probe: the line, lost probes as red ticks along the top,
 * probes the socket refused as amber ticks, answers beyond the scale as carets.
 */
export function RttChart({ run, yMax, height: fixed, legend = true }: RttChartProps) {
  const { t, i18n } = useTranslation();
  const [ref, width] = useWidth<HTMLDivElement>();
  const short = useShortWindow();
  const height = fixed ?? (short ? 150 : 200);
  const running = run.state === 'running';
  const g = useMemo(
    () =>
      width > 0
        ? chartGeometry(
            run.samples,
            { width, height },
            {
              ...(yMax !== undefined ? { yMax } : {}),
              running,
              decided: firstPending(run.samples),
            },
          )
        : null,
    [run.samples, width, height, yMax, running],
  );
  const label = t('echo.chart.label', {
    n: run.params.count,
    median: formatMs(run.stats.rttMs?.p50, i18n.language),
    lost: run.stats.lost,
  });
  return (
    <figure className="rtt-figure">
      <div ref={ref} className="rtt-chart" style={{ height }}>
        {g && (
          <svg width={g.box.width} height={g.box.height} role="img" aria-label={label}>
            <g className="rtt-grid">
              {g.yTicks.map((tick, i) => (
                <g key={tick.value}>
                  <line x1={g.box.left} x2={g.box.right} y1={tick.y} y2={tick.y} />
                  <text x={g.box.left - 8} y={tick.y} dy="0.32em" textAnchor="end">
                    {formatAxisMs(tick.value, i18n.language)}
                    {i === g.yTicks.length - 1 ? ' ms' : ''}
                  </text>
                </g>
              ))}
              {g.xTicks.map((tick) => (
                <text key={tick.label} x={tick.x} y={g.box.bottom + 16} textAnchor="middle">
                  {tick.label}
                </text>
              ))}
            </g>
            {g.cursor !== null && (
              <line
                className="rtt-cursor"
                x1={g.cursor}
                x2={g.cursor}
                y1={g.box.top}
                y2={g.box.bottom}
              />
            )}
            {g.lost.map((x, i) => (
              <g key={`l${i}`} className="rtt-lost">
                <line className="rtt-lost-shade" x1={x} x2={x} y1={g.box.top} y2={g.box.bottom} />
                <line x1={x} x2={x} y1={g.box.top} y2={g.box.top + 9} />
              </g>
            ))}
            {g.errors.map((x, i) => (
              <line
                key={`e${i}`}
                className="rtt-error"
                x1={x}
                x2={x}
                y1={g.box.top}
                y2={g.box.top + 9}
              />
            ))}
            {g.band && <path className="rtt-band" d={g.band} />}
            {g.line && <path className="rtt-line" d={g.line} />}
            {g.dots.map((d, i) => (
              <circle key={i} className="rtt-dot" cx={d.x} cy={d.y} r={2.25} />
            ))}
            {g.clipped.map((x, i) => (
              <path
                key={`c${i}`}
                className="rtt-clipped"
                d={`M${x - 3.5} ${g.box.top + 5}L${x} ${g.box.top}L${x + 3.5} ${g.box.top + 5}`}
              />
            ))}
            <line
              className="rtt-axis"
              x1={g.box.left}
              x2={g.box.right}
              y1={g.box.bottom}
              y2={g.box.bottom}
            />
          </svg>
        )}
      </div>
      {legend && <ChartLegend run={run} bucketed={g?.bucketed ?? false} />}
    </figure>
  );
}

/** What the marks mean, under the chart. */
function ChartLegend({ run, bucketed }: { run: EchoRun; bucketed: boolean }) {
  const { t, i18n } = useTranslation();
  return (
    <figcaption>
      <ul className="rtt-legend">
        <li>
          <span className="legend-swatch legend-line" aria-hidden="true" />
          {bucketed ? t('echo.chart.median') : t('echo.chart.rtt')}
        </li>
        {bucketed && (
          <li>
            <span className="legend-swatch legend-band" aria-hidden="true" />
            {t('echo.chart.range')}
          </li>
        )}
        <li>
          <span className="legend-swatch legend-lost" aria-hidden="true" />
          {t('echo.chart.lost', { timeout: formatMs(run.params.timeoutMs, i18n.language) })}
        </li>
        {run.stats.errors > 0 && (
          <li>
            <span className="legend-swatch legend-error" aria-hidden="true" />
            {t('echo.chart.error')}
          </li>
        )}
      </ul>
    </figcaption>
  );
}

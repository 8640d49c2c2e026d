import { useRef } from 'react';
import type { KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyDiagnostics } from './copy-diagnostics';
import { DoctorTool } from './doctor-tool';
import { EchoTool } from './echo-tool';
import { setTool, useEcho } from './echo-store';
import type { Tool } from './echo-state';
import { ReachTool } from './reach-tool';
import { SweepTool } from './sweep-tool';
import './echo-panel.css';

const TOOLS: Tool[] = ['echo', 'sweep', 'reach', 'doctor'];

/**
 * The echo test and the network doctor: echo runs with a live chart and comparable results,
 * the size sweep, broadcast reach, and "Why can't I see …?".
 */
export function EchoPanel() {
  const { t } = useTranslation();
  const tool = useEcho((s) => s.tool);
  // A number, not an object: store selectors must return stable values.
  const busyMask = useEcho(
    (s) =>
      (s.runs.some((r) => r.state === 'running') ? 1 : 0) |
      (s.sweep.state === 'running' ? 2 : 0) |
      (s.reach.state === 'running' ? 4 : 0) |
      (s.doctor.state === 'running' ? 8 : 0),
  );
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const i = TOOLS.indexOf(tool);
    const next =
      e.key === 'ArrowRight'
        ? (i + 1) % TOOLS.length
        : e.key === 'ArrowLeft'
          ? (i + TOOLS.length - 1) % TOOLS.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? TOOLS.length - 1
              : -1;
    const target = TOOLS[next];
    if (next < 0 || !target) return;
    e.preventDefault();
    setTool(target);
    tabs.current[next]?.focus();
  }

  return (
    <section className="echo-panel" aria-labelledby="echo-title">
      <div className="echo-column">
        <header className="echo-heading">
          <div className="echo-heading-text">
            <h1 id="echo-title">{t('echo.title')}</h1>
            <p>{t('echo.subtitle')}</p>
          </div>
          <CopyDiagnostics />
        </header>
        <div
          className="echo-tabs"
          role="tablist"
          aria-label={t('echo.tabs.label')}
          onKeyDown={onKeyDown}
        >
          {TOOLS.map((id, i) => (
            <button
              key={id}
              ref={(el) => {
                tabs.current[i] = el;
              }}
              type="button"
              role="tab"
              id={`echo-tab-${id}`}
              aria-selected={tool === id}
              aria-controls="echo-tabpanel"
              tabIndex={tool === id ? 0 : -1}
              className="echo-tab"
              onClick={() => setTool(id)}
            >
              {t(`echo.tabs.${id}`)}
              {(busyMask & (1 << i)) !== 0 && (
                <span className="pulse" aria-label={t('echo.tabs.busy')} />
              )}
            </button>
          ))}
        </div>
        <div
          className="echo-tabpanel"
          id="echo-tabpanel"
          role="tabpanel"
          aria-labelledby={`echo-tab-${tool}`}
        >
          {tool === 'echo' && <EchoTool />}
          {tool === 'sweep' && <SweepTool />}
          {tool === 'reach' && <ReachTool />}
          {tool === 'doctor' && <DoctorTool />}
        </div>
      </div>
    </section>
  );
}

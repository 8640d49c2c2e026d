import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { DoctorReport } from '../../../shared/model';
import { formatCount, formatMs, formatPercent } from './format-echo';

type Tone = 'good' | 'bad' | 'warn' | 'none';

interface Check {
  key: string;
  label: string;
  tone: Tone;
  text: string;
}

const RECENT_MS = 15 * 60_000;

function ago(ms: number, t: TFunction): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return t('echo.doctor.agoSeconds', { count: s });
  const m = Math.round(s / 60);
  if (m < 120) return t('echo.doctor.agoMinutes', { count: m });
  return t('echo.doctor.agoHours', { count: Math.round(m / 60) });
}

/** What the doctor looked at, one line each, so the verdict can be checked by a person. */
export function doctorChecks(r: DoctorReport, t: TFunction, lang: string): Check[] {
  const checks: Check[] = [];
  const match = r.subnet.matches[0];
  checks.push({
    key: 'subnet',
    label: t('echo.doctor.check.subnet'),
    tone: r.subnet.same ? 'good' : 'warn',
    text: match
      ? t('echo.doctor.check.subnetSame', { iface: match.interface, subnet: match.subnet })
      : t('echo.doctor.check.subnetOther', { subnet: r.subnet.guess }),
  });
  const route = r.local.route;
  checks.push({
    key: 'route',
    label: t('echo.doctor.check.route'),
    tone: route.error ? 'bad' : 'none',
    text: route.error
      ? route.error
      : t('echo.doctor.check.routeVia', {
          iface: route.interface ?? '?',
          source: route.sourceAddress ?? '?',
        }),
  });
  checks.push({
    key: 'heard',
    label: t('echo.doctor.check.heard'),
    // Old packets say nothing about today's firewall (the doctor uses the same 15 minutes).
    tone:
      (r.lastSeen.agoMs !== null && r.lastSeen.agoMs < RECENT_MS) || r.heardDuring > 0
        ? 'good'
        : 'none',
    text:
      r.lastSeen.agoMs !== null
        ? t('echo.doctor.check.heardAgo', {
            ago: ago(r.lastSeen.agoMs, t),
            count: r.lastSeen.packets,
          })
        : r.heardDuring > 0
          ? t('echo.doctor.check.heardDuring', { count: r.heardDuring })
          : t('echo.doctor.check.heardNever'),
  });
  checks.push({
    key: 'broadcast',
    label: t('echo.doctor.check.broadcast'),
    tone: !r.broadcast.tried ? 'none' : r.broadcast.reached ? 'good' : 'warn',
    text: !r.broadcast.tried
      ? t('echo.doctor.check.notTried')
      : r.broadcast.reached
        ? t('echo.doctor.check.broadcastYes')
        : t('echo.doctor.check.broadcastNo'),
  });
  if (r.forward) {
    const s = r.forward.stats;
    checks.push({
      key: 'echo',
      label: t('echo.doctor.check.echo', { mode: t(`echo.modes.${r.forward.mode}`) }),
      tone: s.received === 0 ? 'bad' : s.loss >= 0.2 ? 'warn' : 'good',
      text:
        s.received === 0
          ? t('echo.doctor.check.echoNone', { sent: s.sent })
          : t('echo.doctor.check.echoSome', {
              received: s.received,
              sent: s.sent,
              loss: formatPercent(s.loss, lang),
              rtt: formatMs(s.rttMs?.p50, lang),
            }),
    });
  }
  if (r.reverse) {
    const v = r.reverse;
    checks.push({
      key: 'back',
      label: t('echo.doctor.check.back'),
      tone: v.granted === null || v.granted === 0 ? 'none' : v.received === 0 ? 'bad' : 'good',
      text:
        v.granted === null || v.granted === 0
          ? t('echo.reverse.refused')
          : t('echo.doctor.check.backSome', { received: v.received, granted: v.granted }),
    });
  }
  const tcpTone: Record<string, Tone> = {
    open: 'good',
    refused: 'warn',
    timeout: 'bad',
    unreachable: 'bad',
    error: 'none',
  };
  checks.push({
    key: 'tcp',
    label: t('echo.doctor.check.tcp', { port: r.tcp.port }),
    tone: tcpTone[r.tcp.state] ?? 'none',
    text: t(`echo.doctor.check.tcpState.${r.tcp.state}`, { ms: formatCount(r.tcp.ms, lang) }),
  });
  if (r.linkLayer !== 'unknown')
    checks.push({
      key: 'arp',
      label: t('echo.doctor.check.arp'),
      tone: r.linkLayer === 'present' ? 'good' : 'warn',
      text: t(`echo.doctor.check.arpState.${r.linkLayer}`),
    });
  return checks;
}

export function DoctorChecks({ report }: { report: DoctorReport }) {
  const { t, i18n } = useTranslation();
  const checks = doctorChecks(report, t, i18n.language);
  return (
    <section className="card doctor-checks" aria-labelledby="doctor-checks-title">
      <h2 id="doctor-checks-title">{t('echo.doctor.checked')}</h2>
      <dl className="check-list">
        {checks.map((c) => (
          <div key={c.key} className={`check-row tone-${c.tone}`}>
            <dt>
              <span className="check-mark" aria-hidden="true" />
              {c.label}
            </dt>
            <dd>{c.text}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

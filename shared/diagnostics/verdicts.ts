import type {
  DoctorReport,
  EchoMode,
  EchoReverse,
  EchoStats,
  InterfaceInfo,
  SourceRefusals,
  TcpState,
  Verdict,
  VerdictCode,
  VerdictSeverity,
} from '../model';
import { outcomeTexts } from '../model/texts';

/**
 * The doctor's judgement: what the evidence gathered about one address means, as verdicts with
 * the fix, most important first. Pure, so every verdict is tested from hand-made evidence, and
 * the renderer's demo judges its simulated checks with the same rules as the engine.
 */
export interface DoctorEvidence {
  address: string;
  port: number;
  portConflict: number | undefined;
  route: DoctorReport['local']['route'];
  subnet: DoctorReport['subnet'];
  /** Something came from that address lately (before or during the checks). */
  theyReachUs: boolean;
  broadcast: DoctorReport['broadcast'];
  forward: { mode: EchoMode; stats: EchoStats } | null;
  reverse: EchoReverse | null;
  tcp: TcpState;
  linkLayer: 'present' | 'absent' | 'unknown';
  /** What this engine's guards turned away from that address (absent: not known). */
  refused?: SourceRefusals | null;
}

function verdict(
  code: VerdictCode,
  severity: VerdictSeverity,
  params: Record<string, string | number>,
): Verdict {
  return { code, severity, params, text: outcomeTexts({ code, params }) };
}

/** Problems first; 'ok' is the answer when there is nothing worse, so it precedes mere notes. */
const RANK: Record<VerdictSeverity, number> = { problem: 0, warning: 1, ok: 2, info: 3 };

/** The verdicts, most important first. Pure. */
export function decideVerdicts(e: DoctorEvidence, interfaces: InterfaceInfo[] = []): Verdict[] {
  const out: Verdict[] = [];
  const base = { address: e.address, port: e.port };
  if (e.portConflict !== undefined) {
    out.push(verdict('port-in-use', 'problem', { port: e.portConflict }));
  }
  if (e.route.error) {
    out.push(verdict('no-route', 'problem', { ...base, error: e.route.error }));
    return out;
  }
  const answered = (e.forward?.stats.received ?? 0) > 0;
  const findings: Verdict[] = [];
  const expected = e.subnet.matches[0]?.interface;
  if (
    e.route.interface &&
    expected &&
    !e.subnet.matches.some((m) => m.interface === e.route.interface) &&
    !interfaces.some((i) => i.name === e.route.interface && i.internal)
  ) {
    findings.push(
      verdict('other-interface', 'warning', { ...base, iface: e.route.interface, expected }),
    );
  }
  // Before the 'ok' is decided: dropped messages are something wrong, whatever the network says.
  findings.push(...refusalFindings(e, base));
  if (answered && e.forward) {
    const r = e.reverse;
    if (r && r.granted !== null && r.granted > 0 && r.received === 0) {
      findings.push(verdict('our-inbound-blocked', 'problem', base));
    }
    if (!e.subnet.same && e.broadcast.reached !== true && !e.subnet.inUnicastHosts) {
      findings.push(verdict('different-subnet', 'warning', { ...base, subnet: e.subnet.guess }));
    } else if (
      e.subnet.same &&
      e.broadcast.tried &&
      e.broadcast.reached === false &&
      !e.subnet.inUnicastHosts
    ) {
      findings.push(verdict('broadcast-blocked', 'warning', base));
    } else if (e.subnet.same && e.broadcast.skipped && !e.subnet.inUnicastHosts) {
      // The one question this run could not answer: whether the LAN drops broadcasts to it.
      findings.push(verdict('broadcast-not-checked', 'info', base));
    }
    if (e.tcp === 'timeout' || e.tcp === 'unreachable') {
      findings.push(verdict('tcp-blocked', 'warning', base));
    } else if (e.tcp === 'refused') {
      findings.push(verdict('tcp-refused', 'info', base));
    }
    const loss = e.forward.stats.loss;
    if (loss >= 0.2) {
      findings.push(verdict('lossy', 'warning', { ...base, loss: Math.round(loss * 100) }));
    }
    if (!findings.some((f) => f.severity === 'problem' || f.severity === 'warning')) {
      findings.unshift(
        verdict('ok', 'ok', {
          ...base,
          rtt: e.forward.stats.rttMs?.p50 ?? '?',
          mode: e.forward.mode,
        }),
      );
    }
  } else if (e.tcp === 'refused' && !(e.reverse?.received ?? 0)) {
    // The host is up and refuses the file port that every IPMsg client listens on: its client
    // is gone (quit, crashed), whatever we heard from it before the check.
    findings.push(verdict('not-running', 'problem', base));
  } else if (e.theyReachUs) {
    findings.push(verdict('their-inbound-blocked', 'problem', base));
  } else if (e.tcp === 'open') {
    findings.push(verdict('udp-blocked', 'problem', base));
  } else if (!e.subnet.same) {
    findings.push(
      verdict('different-subnet-silent', 'problem', { ...base, subnet: e.subnet.guess }),
    );
  } else if (e.linkLayer === 'present') {
    findings.push(verdict('firewall-somewhere', 'problem', base));
  } else {
    findings.push(verdict('silent', 'problem', base));
  }
  findings.sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  return [...out, ...findings];
}

/**
 * What our own guards did to that address: messages dropped over the intake's limits are why a
 * colleague's messages do not show (a warning, and no 'ok' above it); answers withheld over
 * their budgets are only told.
 */
function refusalFindings(e: DoctorEvidence, base: Record<string, string | number>): Verdict[] {
  const r = e.refused;
  if (!r) return [];
  const c = r.counts;
  const out: Verdict[] = [];
  const dropped =
    (c['intake-rate'] ?? 0) + (c['intake-total'] ?? 0) + (c['intake-unannounced'] ?? 0);
  if (dropped > 0) out.push(verdict('we-dropped-messages', 'warning', { ...base, count: dropped }));
  const withheld = (c['answer-budget'] ?? 0) + (c['probe-back'] ?? 0) + (c['reply-guard'] ?? 0);
  if (withheld > 0) out.push(verdict('we-withheld-answers', 'info', { ...base, count: withheld }));
  return out;
}

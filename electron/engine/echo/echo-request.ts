import type {
  EchoMode,
  EchoRequest,
  Outcome,
  OutcomeParams,
  RequestProblemCode,
} from '../../../shared/model';
import { outcomeText } from '../../../shared/model/texts';
import { ECHO_LIMITS } from '../../../shared/contract/limits';
import { parseHostPort } from '../../../shared/protocol';

/** Limits that keep a run sane and the LAN unharmed: one definition, shared with the contract. */
export { ECHO_LIMITS };

export const RAW_ECHO_DEFAULT_PORT = 7;

export interface EchoPlan {
  mode: EchoMode;
  address: string;
  port: number;
  count: number;
  intervalMs: number;
  timeoutMs: number;
  size: number;
  probeBack: number;
}

/** What is wrong with a request: `problem` for the UI's language, `error` its English text. */
export interface Refused {
  ok: false;
  error: string;
  problem: Outcome<RequestProblemCode>;
}

export type Parsed<T> = { ok: true; value: T } | Refused;

export function refuse(code: RequestProblemCode, params: OutcomeParams = {}): Refused {
  const problem = { code, params };
  return { ok: false, error: outcomeText(problem, 'en'), problem };
}

/** "host", "host:port" (or a peer id, which has that shape). */
export function parseTarget(
  to: string,
  defaultPort: number,
): Parsed<{ address: string; port: number }> {
  const t = parseHostPort(to, defaultPort);
  if (t.ok) return { ok: true, value: { address: t.address, port: t.port } };
  if (t.problem === 'bad-port') return refuse('target-port-invalid', { to: JSON.stringify(to) });
  return refuse('target-invalid', { to: JSON.stringify(to) });
}

/** Fill in defaults and check every field; errors are sentences a person can act on. */
export function planEcho(req: EchoRequest, ipmsgPort: number): Parsed<EchoPlan> {
  const mode = req.mode ?? 'pigeon';
  if (mode !== 'pigeon' && mode !== 'ipmsg' && mode !== 'raw') {
    return refuse('echo-mode-unknown', { mode: JSON.stringify(mode) });
  }
  const target = parseTarget(
    typeof req.to === 'string' ? req.to : '',
    mode === 'raw' ? RAW_ECHO_DEFAULT_PORT : ipmsgPort,
  );
  if (!target.ok) return target;
  const count = req.count ?? 5;
  const maxCount = mode === 'ipmsg' ? ECHO_LIMITS.maxIpmsgCount : ECHO_LIMITS.maxCount;
  if (!Number.isInteger(count) || count < 1 || count > maxCount) {
    return refuse('count-out-of-range', { max: maxCount });
  }
  const intervalMs = req.intervalMs ?? 1000;
  const minInterval = mode === 'ipmsg' ? ECHO_LIMITS.minIpmsgIntervalMs : ECHO_LIMITS.minIntervalMs;
  if (!(intervalMs >= minInterval && intervalMs <= ECHO_LIMITS.maxIntervalMs)) {
    return refuse(mode === 'ipmsg' ? 'interval-out-of-range-ipmsg' : 'interval-out-of-range', {
      min: minInterval,
      max: ECHO_LIMITS.maxIntervalMs,
    });
  }
  const timeoutMs = req.timeoutMs ?? 2000;
  if (!(timeoutMs >= 1 && timeoutMs <= ECHO_LIMITS.maxTimeoutMs)) {
    return refuse('timeout-out-of-range', { min: 1, max: ECHO_LIMITS.maxTimeoutMs });
  }
  const size = req.size ?? 64;
  if (!Number.isInteger(size) || size < 1 || size > ECHO_LIMITS.maxSize) {
    return refuse('size-out-of-range', { max: ECHO_LIMITS.maxSize });
  }
  const probeBack = req.probeBack ?? 0;
  if (!Number.isInteger(probeBack) || probeBack < 0 || probeBack > ECHO_LIMITS.maxProbeBack) {
    return refuse('probe-back-out-of-range', { max: ECHO_LIMITS.maxProbeBack });
  }
  if (probeBack > 0 && mode !== 'pigeon') {
    return refuse('probe-back-needs-pigeon');
  }
  return {
    ok: true,
    value: { mode, ...target.value, count, intervalMs, timeoutMs, size, probeBack },
  };
}

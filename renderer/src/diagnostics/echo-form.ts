import { ECHO_LIMITS, isIpv4, isPort } from '../../../shared/contract';
import type { EchoMode, EchoRequest, Peer } from '../../../shared/model';
import type { RunParams } from './echo-state';

/** The echo form as typed: strings, checked here with the engine's own limits. */
export interface EchoForm {
  mode: EchoMode;
  count: string;
  intervalMs: string;
  size: string;
  timeoutMs: string;
  /** Pigeon mode: ask the peer to probe back (tests the other direction). */
  probeBack: boolean;
}

export const defaultEchoForm: EchoForm = {
  mode: 'pigeon',
  count: '50',
  intervalMs: '200',
  size: '64',
  timeoutMs: '2000',
  probeBack: false,
};

/** An error as an i18n key and its values, so the form is checked without the UI language. */
export interface FormError {
  key: string;
  values?: Record<string, string | number>;
}

export type FormErrors = Partial<Record<'target' | keyof EchoForm, FormError>>;

export interface ResolvedTarget {
  /** "address[:port]" as the engine takes it. */
  to: string;
  address: string;
  peer: Peer | undefined;
}

/**
 * The target field takes a peer id, "address", "address:port", or a peer's nick (what the
 * suggestion list shows), and gives what to send the engine.
 */
export function resolveTarget(
  text: string,
  peers: Iterable<Peer>,
): ResolvedTarget | { error: FormError } {
  const value = text.trim();
  if (!value) return { error: { key: 'echo.errors.targetEmpty' } };
  const list = [...peers];
  const byId = list.find((p) => p.id === value);
  if (byId) return { to: byId.id, address: byId.address, peer: byId };
  const m = /^([0-9.]+)(?::(\d{1,5}))?$/.exec(value);
  if (m) {
    const address = m[1] ?? '';
    if (!isIpv4(address)) return { error: { key: 'echo.errors.targetInvalid' } };
    if (m[2] !== undefined && !isPort(Number(m[2])))
      return { error: { key: 'echo.errors.portInvalid' } };
    const port = m[2] === undefined ? 2425 : Number(m[2]);
    const peer = list.find((p) => p.address === address && p.port === port);
    return { to: value, address, peer };
  }
  const lower = value.toLowerCase();
  const byNick = list.filter((p) => p.nick.toLowerCase() === lower);
  if (byNick.length === 1 && byNick[0])
    return { to: byNick[0].id, address: byNick[0].address, peer: byNick[0] };
  return { error: { key: 'echo.errors.targetInvalid' } };
}

function numberField(text: string, min: number, max: number, whole: boolean): number | FormError {
  const value = Number(text.trim());
  if (!text.trim() || !Number.isFinite(value) || (whole && !Number.isInteger(value)))
    return { key: whole ? 'echo.errors.whole' : 'echo.errors.number', values: { min, max } };
  if (value < min || value > max) return { key: 'echo.errors.range', values: { min, max } };
  return value;
}

/** Checks the form; the params are what the run will use (defaults filled in). */
export function checkEchoForm(form: EchoForm): { params?: RunParams; errors: FormErrors } {
  const ipmsg = form.mode === 'ipmsg';
  const errors: FormErrors = {};
  const count = numberField(
    form.count,
    1,
    ipmsg ? ECHO_LIMITS.maxIpmsgCount : ECHO_LIMITS.maxCount,
    true,
  );
  const intervalMs = numberField(
    form.intervalMs,
    ipmsg ? ECHO_LIMITS.minIpmsgIntervalMs : ECHO_LIMITS.minIntervalMs,
    ECHO_LIMITS.maxIntervalMs,
    false,
  );
  const size = ipmsg ? 0 : numberField(form.size, 1, ECHO_LIMITS.maxSize, true);
  const timeoutMs = numberField(form.timeoutMs, 1, ECHO_LIMITS.maxTimeoutMs, false);
  if (typeof count !== 'number') errors.count = count;
  if (typeof intervalMs !== 'number') errors.intervalMs = intervalMs;
  if (typeof size !== 'number') errors.size = size;
  if (typeof timeoutMs !== 'number') errors.timeoutMs = timeoutMs;
  if (
    typeof count !== 'number' ||
    typeof intervalMs !== 'number' ||
    typeof size !== 'number' ||
    typeof timeoutMs !== 'number'
  )
    return { errors };
  const probeBack =
    form.mode === 'pigeon' && form.probeBack ? Math.min(count, ECHO_LIMITS.maxProbeBack) : 0;
  return { params: { mode: form.mode, count, intervalMs, size, timeoutMs, probeBack }, errors };
}

export function echoRequest(to: string, p: RunParams): EchoRequest {
  return {
    to,
    mode: p.mode,
    count: p.count,
    intervalMs: p.intervalMs,
    timeoutMs: p.timeoutMs,
    ...(p.mode === 'ipmsg' ? {} : { size: p.size }),
    ...(p.probeBack ? { probeBack: p.probeBack } : {}),
  };
}

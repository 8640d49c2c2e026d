import type { EchoMode, EchoRequest } from '../../../shared/model';
import { ECHO_LIMITS } from '../../../shared/contract/limits';
import { isIpv4 } from '../../../shared/net/ipv4';

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

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** "host", "host:port" (or a peer id, which has that shape). */
export function parseTarget(
  to: string,
  defaultPort: number,
): Parsed<{ address: string; port: number }> {
  const m = /^\s*([0-9.]+)(?::(\d{1,5}))?\s*$/.exec(to);
  if (!m || !isIpv4(m[1] ?? '')) {
    return { ok: false, error: `${JSON.stringify(to)} is not an IPv4 address (or ADDRESS:PORT)` };
  }
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (port < 1 || port > 65535) return { ok: false, error: `port ${port} is not 1..65535` };
  return { ok: true, value: { address: m[1] ?? '', port } };
}

/** Fill in defaults and check every field; errors are sentences a person can act on. */
export function planEcho(req: EchoRequest, ipmsgPort: number): Parsed<EchoPlan> {
  const mode = req.mode ?? 'pigeon';
  if (mode !== 'pigeon' && mode !== 'ipmsg' && mode !== 'raw') {
    return { ok: false, error: `unknown echo mode ${JSON.stringify(mode)} (pigeon, ipmsg, raw)` };
  }
  const target = parseTarget(
    typeof req.to === 'string' ? req.to : '',
    mode === 'raw' ? RAW_ECHO_DEFAULT_PORT : ipmsgPort,
  );
  if (!target.ok) return target;
  const count = req.count ?? 5;
  const maxCount = mode === 'ipmsg' ? ECHO_LIMITS.maxIpmsgCount : ECHO_LIMITS.maxCount;
  if (!Number.isInteger(count) || count < 1 || count > maxCount) {
    return { ok: false, error: `count must be a whole number from 1 to ${maxCount}` };
  }
  const intervalMs = req.intervalMs ?? 1000;
  const minInterval = mode === 'ipmsg' ? ECHO_LIMITS.minIpmsgIntervalMs : ECHO_LIMITS.minIntervalMs;
  if (!(intervalMs >= minInterval && intervalMs <= ECHO_LIMITS.maxIntervalMs)) {
    return {
      ok: false,
      error: `interval must be from ${minInterval} to ${ECHO_LIMITS.maxIntervalMs} ms${mode === 'ipmsg' ? ' in ipmsg mode' : ''}`,
    };
  }
  const timeoutMs = req.timeoutMs ?? 2000;
  if (!(timeoutMs >= 1 && timeoutMs <= ECHO_LIMITS.maxTimeoutMs)) {
    return { ok: false, error: `timeout must be from 1 to ${ECHO_LIMITS.maxTimeoutMs} ms` };
  }
  const size = req.size ?? 64;
  if (!Number.isInteger(size) || size < 1 || size > ECHO_LIMITS.maxSize) {
    return {
      ok: false,
      error: `size must be a whole number of bytes from 1 to ${ECHO_LIMITS.maxSize}`,
    };
  }
  const probeBack = req.probeBack ?? 0;
  if (!Number.isInteger(probeBack) || probeBack < 0 || probeBack > ECHO_LIMITS.maxProbeBack) {
    return { ok: false, error: `probe back must be 0 to ${ECHO_LIMITS.maxProbeBack} probes` };
  }
  if (probeBack > 0 && mode !== 'pigeon') {
    return { ok: false, error: 'only Pigeon peers can probe back (mode pigeon)' };
  }
  return {
    ok: true,
    value: { mode, ...target.value, count, intervalMs, timeoutMs, size, probeBack },
  };
}

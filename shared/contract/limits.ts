/** Upper bounds on what a request may carry; the renderer is untrusted. */
export const LIMITS = {
  /** Message text, UTF-8 bytes. The engine splits long text across datagrams. */
  textBytes: 1024 * 1024,
  /** Recipients of one chat:send. */
  recipients: 1000,
  nickChars: 64,
  groupChars: 64,
  broadcastTargets: 64,
  unicastHosts: 256,
  idChars: 128,
  /** Items in one files:offer (an offer of many is split into several datagrams). */
  offerItems: 1000,
  /** Transfers named in one files:accept or files:decline. */
  transferIds: 1000,
} as const;

/** History paging and search (electron/engine/history). */
export const HISTORY_REQUEST_LIMITS = {
  defaultPage: 100,
  maxPage: 1000,
  defaultHits: 50,
  maxHits: 500,
  /** A search text, in characters. */
  searchChars: 256,
} as const;

/**
 * The limits of an echo run, defined once here: the engine (electron/engine/echo/echo-request.ts)
 * enforces them and the contract rejects, with the same bounds, what the engine would refuse;
 * electron/engine/echo/echo-limits.test.ts checks the two at every bound.
 */
export const ECHO_LIMITS = {
  maxCount: 100_000,
  minIntervalMs: 0.01,
  /** A unicast BR_ENTRY makes the peer update its list and answer: keep IPMsg pings gentle. */
  minIpmsgIntervalMs: 100,
  maxIpmsgCount: 1000,
  maxIntervalMs: 60_000,
  maxTimeoutMs: 60_000,
  /** IPv4's largest UDP payload. */
  maxSize: 65_507,
  maxProbeBack: 100,
} as const;

/** Size sweeps (electron/engine/echo/echo-service.ts sweep()). */
export const SWEEP_LIMITS = {
  minSize: 1,
  maxSize: 65_507,
  maxTries: 5,
  minTimeoutMs: 10,
  maxTimeoutMs: 10_000,
} as const;

/** Broadcast reach: the engine stops collecting answers after 30 s whatever it is asked. */
export const REACH_LIMITS = { maxTimeoutMs: 30_000 } as const;

/** The doctor clamps to these (electron/engine/diagnostics/doctor.ts); the contract rejects beyond. */
export const DOCTOR_LIMITS = {
  maxCount: 20,
  minTimeoutMs: 50,
  maxTimeoutMs: 10_000,
} as const;

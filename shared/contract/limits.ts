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
} as const;

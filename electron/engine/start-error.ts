/** Errors that stop the engine from starting, phrased for the person who has to fix them. */
export class StartError extends Error {
  constructor(
    readonly code: 'port-in-use' | 'bind-failed' | 'invalid-settings' | 'address-unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'StartError';
  }
}

export function explainBindError(
  err: unknown,
  proto: 'UDP' | 'TCP',
  bind: string,
  port: number,
): StartError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return new StartError(
      'port-in-use',
      `${proto} port ${port} on ${bind} is already in use, probably by another IP Messenger client ` +
        `(iptux, IPMsg, FeiQ) or a Pigeon that is still running. Quit it, or start Pigeon with ` +
        `--port N (peers on 2425 will not see you then).`,
    );
  }
  if (code === 'EADDRNOTAVAIL') {
    return new StartError(
      'address-unavailable',
      `cannot bind ${proto} ${bind}:${port}: ${bind} is not an address of this machine. Use --bind 0.0.0.0 or one of your interface addresses.`,
    );
  }
  if (code === 'EACCES') {
    return new StartError(
      'bind-failed',
      `not allowed to bind ${proto} ${bind}:${port} (a port below 1024 needs privileges).`,
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new StartError('bind-failed', `cannot bind ${proto} ${bind}:${port}: ${message}`);
}

import type { Outcome, OutcomeParams, StartErrorCode } from '../../shared/model';
import { outcomeText } from '../../shared/model/texts';
import { portHolder } from './io/port-holder';

/**
 * Why the engine could not start, as a code and the values its text needs (the catalogue has
 * the words, in both languages). `message` is the English text, for logs and stack traces.
 */
export class StartError extends Error {
  readonly outcome: Outcome<StartErrorCode>;

  constructor(
    readonly code: StartErrorCode,
    readonly params: OutcomeParams,
  ) {
    super(outcomeText({ code, params }, 'en'));
    this.name = 'StartError';
    this.outcome = { code, params };
  }
}

/** The port is taken, whether or not we could tell by whom. */
export function isPortInUse(code: StartErrorCode): boolean {
  return code === 'port-in-use' || code === 'port-in-use-by';
}

export function explainBindError(
  err: unknown,
  proto: 'UDP' | 'TCP',
  bind: string,
  port: number,
): StartError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const where = { proto, bind, port };
  if (code === 'EADDRINUSE') {
    const holder = process.platform === 'linux' ? portHolder(port) : undefined;
    return holder
      ? new StartError('port-in-use-by', { ...where, program: holder.program, pid: holder.pid })
      : new StartError('port-in-use', where);
  }
  if (code === 'EADDRNOTAVAIL') return new StartError('address-unavailable', where);
  if (code === 'EACCES') return new StartError('bind-not-allowed', where);
  const error = err instanceof Error ? err.message : String(err);
  return new StartError('bind-failed', { ...where, error });
}

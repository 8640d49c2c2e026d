import type { Outcome, OutcomeParams, StartErrorCode } from '../../shared/model';
import { outcomeText } from '../../shared/model/texts';

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

export function explainBindError(
  err: unknown,
  proto: 'UDP' | 'TCP',
  bind: string,
  port: number,
): StartError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const where = { proto, bind, port };
  if (code === 'EADDRINUSE') return new StartError('port-in-use', where);
  if (code === 'EADDRNOTAVAIL') return new StartError('address-unavailable', where);
  if (code === 'EACCES') return new StartError('bind-not-allowed', where);
  const error = err instanceof Error ? err.message : String(err);
  return new StartError('bind-failed', { ...where, error });
}

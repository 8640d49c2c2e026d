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
    /** The English text when it says more than the outcome's (every invalid setting). */
    message?: string,
  ) {
    super(message ?? outcomeText({ code, params }, 'en'));
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

/**
 * The settings are not valid: the outcome names the first problem (its code as `problem`, with
 * its values) and how many there are; the English message lists them all.
 */
export function invalidSettingsError(problems: readonly Outcome[]): StartError {
  const [first] = problems;
  const params: OutcomeParams = first
    ? { ...first.params, problem: first.code, count: problems.length }
    : { count: 0 };
  const all = problems.map((p) => outcomeText(p, 'en')).join('; ');
  return new StartError('invalid-settings', params, `The settings are not valid: ${all}`);
}

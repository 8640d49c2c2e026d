import type { Handlers } from '../../../shared/contract';
import type { EngineDiagnostics } from './engine-diagnostics';

/** The contract's `diag:*` requests. */
export function diagnosticsHandlers(diagnostics: EngineDiagnostics) {
  return {
    'diag:doctor': (request) => diagnostics.doctor(request),
    'diag:interfaces': () => diagnostics.interfaces(),
    'diag:bundle': ({ redact }) => ({ text: diagnostics.bundle({ redact: redact === true }) }),
  } satisfies Pick<Handlers, 'diag:doctor' | 'diag:interfaces' | 'diag:bundle'>;
}

import { ContractError, type Handlers } from '../../../shared/contract';
import type { EchoService } from './echo-service';

/** The contract's `echo:*` requests. */
export function echoHandlers(echo: EchoService) {
  return {
    'echo:start': (request) => {
      const started = echo.start(request);
      // The contract checked the fields; what is left is the engine's state or its target.
      if (!started.ok) throw new ContractError(started.code, started.error, [started.problem]);
      return { runId: started.runId };
    },
    'echo:stop': ({ runId }) => ({ stopped: echo.cancel(runId) }),
    'echo:sweep': (request) => echo.sweep(request),
    'echo:reach': (request) => echo.reach(request),
  } satisfies Pick<Handlers, 'echo:start' | 'echo:stop' | 'echo:sweep' | 'echo:reach'>;
}

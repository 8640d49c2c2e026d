import type { Req, RequestChannel, Res } from './requests';
import type { Result } from './result';
import { errorToInfo, ok } from './result';
import { validateRequest } from './validate';

/** One function per request channel; may throw (ContractError picks the code) or reject. */
export type Handlers = {
  [C in RequestChannel]: (req: Req<C>) => Res<C> | Promise<Res<C>>;
};

export type RequestHandler = (channel: string, payload: unknown) => Promise<Result<unknown>>;

export interface RequestHandlerOptions {
  /** Told about every error a handler threw (for logs); never about validation failures. */
  onHandlerError?: (channel: RequestChannel, error: unknown) => void;
}

/**
 * The dispatcher both hosts call (Electron's ipcMain.handle and the WebSocket server): validate,
 * call the handler, wrap its value or its error in an envelope. It never rejects.
 */
export function createRequestHandler(
  handlers: Handlers,
  options: RequestHandlerOptions = {},
): RequestHandler {
  return async (channel, payload) => {
    const checked = validateRequest(channel, payload);
    if (!checked.ok) return checked;
    const ch = channel as RequestChannel;
    try {
      const handler = handlers[ch] as (req: unknown) => unknown;
      const value = await handler(checked.value);
      // undefined does not survive JSON; "nothing" is null on the wire.
      return ok(value === undefined ? null : value);
    } catch (e) {
      options.onHandlerError?.(ch, e);
      // The whole info: what is wrong as outcomes (`problems`) travels with the message.
      return { ok: false, error: errorToInfo(e) };
    }
  };
}

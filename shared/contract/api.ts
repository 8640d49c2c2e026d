import type { EventChannel, EventMap } from './events';
import { isEventChannel } from './events';
import type { Req, RequestChannel, Res } from './requests';
import { isRequestChannel, REQUEST_CHANNELS } from './requests';
import type { Result } from './result';
import { err, errorToInfo, isResult } from './result';

/** The only thing that differs between Electron IPC and the WebSocket browser host. */
export interface Transport {
  invoke(channel: RequestChannel, payload: unknown): Promise<Result<unknown>>;
  on(channel: EventChannel, listener: (payload: unknown) => void): () => void;
}

type KebabToCamel<S extends string> = S extends `${infer H}-${infer T}`
  ? `${H}${Capitalize<KebabToCamel<T>>}`
  : S;
type DomainOf<C extends string> = C extends `${infer D}:${string}` ? D : never;
type VerbOf<C extends string> = C extends `${string}:${infer V}` ? KebabToCamel<V> : never;

/** Channels without a payload become methods without arguments. */
export type ReqArgs<C extends RequestChannel> = Req<C> extends null ? [] : [payload: Req<C>];
export type ApiMethod<C extends RequestChannel> = (...args: ReqArgs<C>) => Promise<Result<Res<C>>>;

export type RequestDomain = DomainOf<RequestChannel>;

/** `chat:mark-read` becomes `api.chat.markRead(...)`; every method resolves, never rejects. */
export type PigeonApi = {
  readonly [D in RequestDomain]: {
    readonly [C in RequestChannel as DomainOf<C> extends D ? VerbOf<C> : never]: ApiMethod<C>;
  };
} & {
  invoke<C extends RequestChannel>(channel: C, ...args: ReqArgs<C>): Promise<Result<Res<C>>>;
  on<E extends EventChannel>(event: E, listener: (payload: EventMap[E]) => void): () => void;
};

function camel(verb: string): string {
  return verb.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Splits "chat:mark-read" into ["chat", "markRead"]: the method's place on the API object. */
export function methodPath(channel: RequestChannel): [domain: string, method: string] {
  const i = channel.indexOf(':');
  return [channel.slice(0, i), camel(channel.slice(i + 1))];
}

/**
 * Builds the renderer's API over a transport. Failures of the transport itself (a closed socket,
 * a malformed reply) come back as `{ ok: false, error: { code: 'transport' } }`, not as rejections.
 */
export function createApi(transport: Transport): PigeonApi {
  async function invoke(channel: RequestChannel, payload?: unknown): Promise<Result<unknown>> {
    if (!isRequestChannel(channel))
      return err('unknown-channel', `unknown request channel ${String(channel)}`);
    try {
      const reply = await transport.invoke(channel, payload === undefined ? null : payload);
      if (!isResult(reply)) return err('transport', `${channel}: malformed reply from the host`);
      return reply;
    } catch (e) {
      return { ok: false, error: { ...errorToInfo(e, 'transport'), code: 'transport' } };
    }
  }

  function on(event: EventChannel, listener: (payload: never) => void): () => void {
    if (!isEventChannel(event)) throw new TypeError(`unknown event channel ${String(event)}`);
    return transport.on(event, listener as (payload: unknown) => void);
  }

  const domains: Record<
    string,
    Record<string, (payload?: unknown) => Promise<Result<unknown>>>
  > = {};
  for (const channel of REQUEST_CHANNELS) {
    const [domain, method] = methodPath(channel);
    (domains[domain] ??= {})[method] = (payload?: unknown) => invoke(channel, payload);
  }
  for (const d of Object.values(domains)) Object.freeze(d);

  return Object.freeze({ ...domains, invoke, on }) as unknown as PigeonApi;
}

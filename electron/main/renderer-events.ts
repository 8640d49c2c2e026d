import { engineEventToContract, isEventChannel } from '../../shared/contract';
import type { EventChannel, EventMap } from '../../shared/contract';
import type { EngineEvent } from '../../shared/model';

/** Delivers one contract event to the page (webContents.send in the app). */
export type SendToRenderer = (channel: string, payload: unknown) => void;

/**
 * Engine events on their way to the page, via the contract's event channels. The engine starts
 * before the page has loaded, so the two facts a page cannot ask for later (the engine is up, or
 * it failed to start) are remembered and sent again whenever the page (re)loads.
 */
export class RendererEvents {
  private ready: EventMap['engine:ready'] | undefined;
  private startFailure: EventMap['engine:error'] | undefined;

  constructor(private readonly send: SendToRenderer) {}

  /** Forwards an engine event, if the contract has a channel for it. */
  forward(event: EngineEvent): void {
    if (event.type === 'stopped') this.ready = undefined;
    const contract = engineEventToContract(event);
    if (!contract) return;
    if (contract.channel === 'engine:ready') {
      this.ready = contract.payload;
      this.startFailure = undefined;
    }
    this.send(contract.channel, contract.payload);
  }

  emit<E extends EventChannel>(channel: E, payload: EventMap[E]): void {
    this.send(channel, payload);
  }

  /** The engine could not start (port in use, bad settings): the page shows why. */
  startFailed(code: string, message: string): void {
    this.startFailure = { code, message };
    this.send('engine:error', this.startFailure);
  }

  /**
   * Asks the page to open one conversation (a notification was clicked). Sent only once the
   * contract has a channel for it, `ui:open-conversation` with `{ peerId }`; until then the
   * window is merely focused.
   */
  openConversation(peerId: string): boolean {
    const channel = 'ui:open-conversation';
    if (!isEventChannel(channel)) return false;
    this.send(channel, { peerId });
    return true;
  }

  /** Sends the remembered state to a page that has just loaded. */
  replay(): void {
    if (this.ready) this.send('engine:ready', this.ready);
    if (this.startFailure) this.send('engine:error', this.startFailure);
  }
}

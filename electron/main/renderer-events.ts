import type { ContractEvent, EventChannel, EventMap } from '../../shared/contract';
import type { Outcome, StartErrorCode } from '../../shared/model';

/** Delivers one contract event to the page (webContents.send in the app). */
export type SendToRenderer = (channel: string, payload: unknown) => void;

/**
 * Engine events on their way to the page, on the contract's event channels. The engine starts
 * before the page has loaded, so the two facts a page cannot ask for later (the engine is up, or
 * it failed to start) are remembered and sent again whenever the page (re)loads.
 */
export class RendererEvents {
  private ready: EventMap['engine:ready'] | undefined;
  private startFailure: EventMap['engine:error'] | undefined;

  constructor(private readonly send: SendToRenderer) {}

  /** Forwards an engine event to the page. */
  forward(event: ContractEvent): void {
    if (event.channel === 'engine:stopped') this.ready = undefined;
    if (event.channel === 'engine:ready') {
      this.ready = event.payload;
      this.startFailure = undefined;
    }
    this.send(event.channel, event.payload);
  }

  emit<E extends EventChannel>(channel: E, payload: EventMap[E]): void {
    this.send(channel, payload);
  }

  /** The engine could not start (port in use, bad settings): the page shows why. */
  startFailed(outcome: Outcome<StartErrorCode>): void {
    this.startFailure = outcome;
    this.send('engine:error', this.startFailure);
  }

  /** Asks the page to open one conversation (a notification was clicked). */
  openConversation(peerId: string): void {
    this.send('ui:open-conversation', { peerId });
  }

  /** Sends the remembered state to a page that has just loaded. */
  replay(): void {
    if (this.ready) this.send('engine:ready', this.ready);
    if (this.startFailure) this.send('engine:error', this.startFailure);
  }
}

import type { ContractEvent } from '../../shared/contract';
import type { Outcome } from '../../shared/model';
import { outcomeText, shellText, type TextLanguage } from '../../shared/model/texts';

/**
 * Follows the engine's event stream and keeps the one line the tray shows about it. Kept apart
 * from the tray so the wording can be tested without any Electron object.
 */
export class EngineStatus {
  private running = false;
  private nick = '';
  private lastError: Outcome | undefined;
  private readonly online = new Set<string>();

  /** Returns true when the status line changed (in any language: they change together). */
  apply(event: ContractEvent): boolean {
    const before = this.line('en');
    switch (event.channel) {
      case 'engine:ready':
        this.running = true;
        this.nick = event.payload.nick;
        this.lastError = undefined;
        break;
      case 'engine:stopped':
        this.running = false;
        this.online.clear();
        break;
      case 'peers:online':
        this.online.add(event.payload.id);
        break;
      case 'peers:offline':
        this.online.delete(event.payload.id);
        break;
      case 'peers:changed':
        if (event.payload.online) this.online.add(event.payload.id);
        else this.online.delete(event.payload.id);
        break;
      case 'engine:error':
        if (!this.running) this.lastError = event.payload;
        break;
      default:
        break;
    }
    return this.line('en') !== before;
  }

  /** The engine did not start at all (port in use, bad settings). */
  failed(outcome: Outcome): void {
    this.running = false;
    this.lastError = outcome;
  }

  line(language: TextLanguage): string {
    if (!this.running)
      return this.lastError
        ? shellText('status.offline-because', language, {
            reason: truncate(outcomeText(this.lastError, language), 60),
          })
        : shellText('status.offline', language);
    const n = this.online.size;
    const nick = truncate(this.nick, 24);
    return n === 1
      ? shellText('status.online-one', language, { nick })
      : shellText('status.online', language, { nick, count: n });
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

import type { ContractEvent } from '../../shared/contract';
import type { Outcome } from '../../shared/model';
import { outcomeText } from '../../shared/model/texts';

/**
 * Follows the engine's event stream and keeps the one line the tray shows about it. Kept apart
 * from the tray so the wording can be tested without any Electron object.
 */
export class EngineStatus {
  private running = false;
  private nick = '';
  private lastError: Outcome | undefined;
  private readonly online = new Set<string>();

  /** Returns true when the status line changed. */
  apply(event: ContractEvent): boolean {
    const before = this.line();
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
    return this.line() !== before;
  }

  /** The engine did not start at all (port in use, bad settings). */
  failed(outcome: Outcome): void {
    this.running = false;
    this.lastError = outcome;
  }

  line(): string {
    if (!this.running)
      return this.lastError
        ? `Offline: ${truncate(outcomeText(this.lastError, 'en'), 60)}`
        : 'Offline';
    const n = this.online.size;
    return `Online as ${truncate(this.nick, 24)} · ${n === 1 ? '1 peer' : `${n} peers`}`;
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

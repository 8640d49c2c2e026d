import type { EngineEvent } from '../../shared/model';

/**
 * Follows the engine's event stream and keeps the one line the tray shows about it. Kept apart
 * from the tray so the wording can be tested without any Electron object.
 */
export class EngineStatus {
  private running = false;
  private nick = '';
  private lastError = '';
  private readonly online = new Set<string>();

  /** Returns true when the status line changed. */
  apply(event: EngineEvent): boolean {
    const before = this.line();
    switch (event.type) {
      case 'ready':
        this.running = true;
        this.nick = event.nick;
        this.lastError = '';
        break;
      case 'stopped':
        this.running = false;
        this.online.clear();
        break;
      case 'peer-online':
        this.online.add(event.peer.id);
        break;
      case 'peer-offline':
        this.online.delete(event.peer.id);
        break;
      case 'peer-changed':
        if (event.peer.online) this.online.add(event.peer.id);
        else this.online.delete(event.peer.id);
        break;
      case 'error':
        if (!this.running) this.lastError = event.message;
        break;
      default:
        break;
    }
    return this.line() !== before;
  }

  /** The engine did not start at all (port in use, bad settings). */
  failed(message: string): void {
    this.running = false;
    this.lastError = message;
  }

  line(): string {
    if (!this.running)
      return this.lastError ? `Offline: ${truncate(this.lastError, 60)}` : 'Offline';
    const n = this.online.size;
    return `Online as ${truncate(this.nick, 24)} · ${n === 1 ? '1 peer' : `${n} peers`}`;
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

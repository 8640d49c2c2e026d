import type { Clock } from '../clock';
import type { Ipv4Interface } from '../../../shared/net/ipv4';
import { interfacesSignature } from './interfaces-report';

/**
 * Notices network changes so that Pigeon re-announces itself without being asked (discovery that
 * dies after sleep or a Wi-Fi switch is a top complaint): polls the interface list, and treats a
 * timer that fires far later than it should as a wake from sleep (timers stop while the machine
 * sleeps, the wall clock does not). The Electron shell may also call `poke('resume')` from
 * powerMonitor.
 */
export interface NetworkChange {
  reason: 'addresses' | 'resume';
  added: string[];
  removed: string[];
}

export interface NetworkWatchOptions {
  clock: Clock;
  list: () => Ipv4Interface[];
  onChange: (change: NetworkChange) => void;
  /** Poll period (default 5 s). */
  intervalMs?: number;
  /** A poll this much later than due means the machine slept (default 20 s). */
  resumeGapMs?: number;
}

export class NetworkWatch {
  private timer: unknown;
  private last: string[] = [];
  private lastTick = 0;
  private running = false;
  private readonly intervalMs: number;
  private readonly resumeGapMs: number;

  constructor(private readonly o: NetworkWatchOptions) {
    this.intervalMs = o.intervalMs ?? 5000;
    this.resumeGapMs = o.resumeGapMs ?? 20_000;
  }

  start(): void {
    if (this.running || this.intervalMs <= 0) return;
    this.running = true;
    this.last = this.read();
    this.lastTick = this.o.clock.now();
    this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Check now (the shell heard of a resume or a network change). */
  poke(reason?: 'resume'): void {
    if (!this.running) return;
    this.check(reason === 'resume');
  }

  private schedule(): void {
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = undefined;
      if (!this.running) return;
      const late = this.o.clock.now() - this.lastTick - this.intervalMs > this.resumeGapMs;
      this.check(late);
      this.schedule();
    }, this.intervalMs);
  }

  private check(resumed: boolean): void {
    this.lastTick = this.o.clock.now();
    const now = this.read();
    const before = new Set(this.last);
    const after = new Set(now);
    const added = now.filter((x) => !before.has(x));
    const removed = this.last.filter((x) => !after.has(x));
    this.last = now;
    if (resumed) this.o.onChange({ reason: 'resume', added, removed });
    else if (added.length || removed.length)
      this.o.onChange({ reason: 'addresses', added, removed });
  }

  private read(): string[] {
    try {
      return interfacesSignature(this.o.list());
    } catch {
      return this.last;
    }
  }
}

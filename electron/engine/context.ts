import type { Emit, EventListener } from '../../shared/contract';
import type { EngineSettings } from '../../shared/model';
import type { Clock } from './clock';
import type { RefusalLog } from './diagnostics/refusal-log';
import type { ReplyGuard } from './io/reply-guard';
import type { PeerTable } from './presence/peer-table';
import type { Wire } from './wire';

/**
 * What every capability of the engine (presence, messaging, echo, diagnostics, settings) is
 * given: one small context instead of a bag of closures. What one capability needs of another
 * it gets as that capability's object, passed in by the engine, so the direction of every
 * dependency shows in the constructors.
 */
export interface EngineContext {
  readonly clock: Clock;
  /** High-resolution ms for round trips (performance.now, or the fake clock in tests). */
  readonly now: () => number;
  readonly wire: Wire;
  readonly peers: PeerTable;
  /** Per-address datagram caps learned by size sweeps; messaging writes under them. */
  readonly caps: DatagramCaps;
  /**
   * Asked before every reply to a packet (`replies.allows(d.address, d.port)`): sources can be
   * forged, and a reply never goes to a broadcast, multicast or network address, 0.0.0.0 or our
   * own socket.
   */
  readonly replies: ReplyGuard;
  /** What every guard turned away, per source address (diagnostics bundle, doctor). */
  readonly refusals: RefusalLog;
  /** Tell every listener (hosts, the UI, the CLI) in the contract's vocabulary. */
  readonly emit: Emit;
  /** True when there is at least one listener: work done only to be told can be skipped. */
  listened(): boolean;
  /** The settings in force (nick and group change at run time). */
  settings(): EngineSettings;
  /** The data directory: settings, the packet counter, later files and history. */
  readonly dataDir: string;
  /**
   * Our install id (io/install-id.ts), announced to Pigeons in our entries; none in contexts
   * built by tests that do not need one.
   */
  readonly installId?: string | undefined;
  isRunning(): boolean;
  /**
   * Holds each clock's first reading until `end` (turn-clock.ts): one datagram handled, or one
   * message sent, is one instant. Absent in contexts that tests build.
   */
  readonly turn?: { begin(): void; end(): void };
  /** Where our UDP socket is bound (port 0 before start). */
  local(): { address: string; port: number };
  /** A timer that dies with the engine: it never fires after stop(). */
  later(ms: number, fn: () => void): void;
}

/** The largest datagram we send to an address: the default, or less where a sweep found less. */
export class DatagramCaps {
  private readonly perAddress = new Map<string, number>();

  constructor(readonly max: number) {}

  /** Caps datagrams to one address (undefined lifts the cap); returns the cap now in force. */
  set(address: string, bytes: number | undefined): number | null {
    if (bytes === undefined || !(bytes < this.max)) this.perAddress.delete(address);
    else this.perAddress.set(address, Math.max(256, Math.floor(bytes)));
    return this.perAddress.get(address) ?? null;
  }

  limit(address: string): number {
    return this.perAddress.get(address) ?? this.max;
  }
}

/** The engine's listeners: a failing listener is its own problem, never the engine's. */
export class EventHub {
  private readonly listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }

  readonly emit: Emit = (channel, payload) => {
    const event = { channel, payload } as Parameters<EventListener>[0];
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is the listener's problem, not the engine's.
      }
    }
  };
}

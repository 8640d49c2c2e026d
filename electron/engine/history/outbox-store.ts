import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { OutboxCode } from '../../../shared/model';

/** One message waiting in the outbox (schema version 2). */
export interface HeldMessage {
  messageId: string;
  peerId: string;
  address: string;
  port: number;
  /** How the texts name the peer ("nick (address)"). */
  label: string;
  text: string;
  created: number;
  since: number;
  expires: number;
  code: OutboxCode;
  /**
   * The id it carries on the wire (PGID) when that is not its own: a message moved here from
   * another peer's outbox keeps the first one's (schema version 5).
   */
  wireId?: string;
}

const CODES: readonly OutboxCode[] = [
  'outbox-offline',
  'outbox-no-ack',
  'outbox-no-ack-legacy',
  'outbox-redirected',
];

/**
 * The outbox table of the history database: what sending a held message again needs. Each
 * change is its own small commit, so a message is in the outbox from the moment it is told to
 * be, and out of it once it is delivered, expired or cancelled, whatever happens to the process.
 */
export class OutboxStore {
  private readonly q: Record<'put' | 'remove' | 'all', StatementSync>;

  constructor(db: DatabaseSync) {
    this.q = {
      put: db.prepare(
        `INSERT INTO outbox
           (message_id, peer_id, address, port, label, text, created, since, expires, code,
            wire_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (message_id) DO UPDATE SET since = excluded.since, code = excluded.code`,
      ),
      remove: db.prepare('DELETE FROM outbox WHERE message_id = ?'),
      all: db.prepare('SELECT * FROM outbox ORDER BY seq'),
    };
  }

  /** Holds a message (again: a second try that went unanswered keeps its place in line). */
  put(m: HeldMessage): void {
    this.q.put.run(
      m.messageId,
      m.peerId,
      m.address,
      m.port,
      m.label,
      m.text,
      m.created,
      m.since,
      m.expires,
      m.code,
      m.wireId ?? null,
    );
  }

  remove(messageId: string): boolean {
    return Number(this.q.remove.run(messageId).changes) > 0;
  }

  /** Everything held, oldest first. */
  all(): HeldMessage[] {
    return this.q.all.all().map((r) => {
      const code = String(r.code) as OutboxCode;
      return {
        messageId: String(r.message_id),
        peerId: String(r.peer_id),
        address: String(r.address),
        port: Number(r.port),
        label: String(r.label),
        text: String(r.text),
        created: Number(r.created),
        since: Number(r.since),
        expires: Number(r.expires),
        code: CODES.includes(code) ? code : 'outbox-no-ack',
        ...(typeof r.wire_id === 'string' ? { wireId: r.wire_id } : {}),
      };
    });
  }
}

import type { ChatMessage } from '../../../shared/model';
import { sameDay } from '../ui/format';

export type MessageRow =
  | { kind: 'day'; key: string; at: number }
  | { kind: 'message'; key: string; message: ChatMessage; first: boolean };

const RUN_GAP_MS = 5 * 60_000;

/** Messages with a separator before each new day; `first` marks the start of a run. */
export function buildMessageRows(messages: readonly ChatMessage[]): MessageRow[] {
  const rows: MessageRow[] = [];
  let prev: ChatMessage | undefined;
  for (const message of messages) {
    const newDay = !prev || !sameDay(prev.at, message.at);
    if (newDay) rows.push({ kind: 'day', key: `d:${message.at}:${message.id}`, at: message.at });
    const first =
      newDay || prev?.direction !== message.direction || message.at - (prev?.at ?? 0) > RUN_GAP_MS;
    rows.push({ kind: 'message', key: message.id, message, first });
    prev = message;
  }
  return rows;
}

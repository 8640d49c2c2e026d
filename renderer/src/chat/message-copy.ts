import type { ChatMessage } from '../../../shared/model';

/**
 * Whether "Copy text" is offered: not for a sealed message that has not been opened yet (its
 * words are withheld until the person opens it, and opening tells the sender), nor for one
 * with no words (an offer of files alone).
 */
export function copyable(message: ChatMessage): boolean {
  if (message.direction === 'in' && message.sealed?.openedAt === null) return false;
  return message.text.length > 0;
}

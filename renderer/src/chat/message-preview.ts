import type { ChatMessage } from '../../../shared/model';

/** One line of a message for the conversation list: whitespace folded, cut short. */
export function previewText(message: ChatMessage, max = 80): string {
  const folded = message.text.replace(/\s+/g, ' ').trim();
  return folded.length > max ? `${folded.slice(0, max)}…` : folded;
}

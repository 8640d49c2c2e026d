import type { MessageEvent } from '../../shared/contract';

/**
 * Whether a message that arrived asks for the person's attention (a notification): not while
 * they look at the window, not when they turned notifications off, and never in do-not-disturb,
 * when messages still arrive and count (the tray and the badge show them) but nothing pops up.
 * A notice (an address change) never pops up: it is no message, and a forger could time it.
 */
export function shouldNotify(
  event: MessageEvent,
  state: { focused: boolean; notifications: boolean; doNotDisturb: boolean },
): boolean {
  return (
    event.message.direction === 'in' &&
    !event.message.notice &&
    !state.focused &&
    state.notifications &&
    !state.doNotDisturb
  );
}

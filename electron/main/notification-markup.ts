/**
 * On Linux, Electron hands title and body to libnotify as they are, and the Desktop
 * Notifications spec makes the body markup (a small HTML subset: <b>, <i>, <a href>, <img>):
 * a peer's "<b>" would be drawn bold, a stray "&" can make the server drop the whole body, and
 * "<a href=...>" would put a link of theirs in our notification. So the body is escaped there.
 *
 * The title (the spec's "summary") is plain text: servers show it as is (GNOME Shell escapes it
 * itself), so escaping it would put "&amp;" in front of people. Windows toasts and macOS take
 * plain text for both.
 */
export type NotificationField = 'title' | 'body';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** `&`, `<`, `>` and both quotes as entities (quotes too: servers parse attributes in <a>). */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

/** Whether this field is markup on this platform. */
export function isMarkup(platform: NodeJS.Platform, field: NotificationField): boolean {
  return platform === 'linux' && field === 'body';
}

/** The text to hand to Electron for this field, so that it shows exactly `text`. */
export function forNotification(
  platform: NodeJS.Platform,
  field: NotificationField,
  text: string,
): string {
  return isMarkup(platform, field) ? escapeMarkup(text) : text;
}

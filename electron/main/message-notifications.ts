import type { Notification, NotificationConstructorOptions, NativeImage } from 'electron';
import type { MessageEvent } from '../../shared/contract';
import { shellText, type TextLanguage } from '../../shared/model/texts';
import { revealPlain } from '../../shared/text/hidden-chars';
import { forNotification } from './notification-markup';

export interface NotificationDeps {
  Notification: (new (options: NotificationConstructorOptions) => Notification) & {
    isSupported(): boolean;
  };
  /** Decides how title and body are encoded (Linux bodies are markup). */
  platform: NodeJS.Platform;
  /** The language of Pigeon's own words in them, as the settings say now (English if absent). */
  language?: () => TextLanguage;
}

export interface MessageNotifier {
  notify(event: MessageEvent): void;
  /** Closes every notification still on screen (the person came back to the window). */
  clear(): void;
}

/**
 * Native notifications for messages that arrive while the window is not focused. Clicking one
 * opens that conversation. Notifications are kept referenced until closed: Electron drops the
 * click handler of a notification object that has been garbage-collected.
 */
export function createMessageNotifier(
  deps: NotificationDeps,
  onClick: (peerId: string) => void,
  icon?: NativeImage,
): MessageNotifier {
  const live = new Set<Notification>();
  return {
    notify(event) {
      if (!deps.Notification.isSupported()) return;
      const content = notificationContent(event, deps.language?.() ?? 'en');
      const options: NotificationConstructorOptions = {
        title: forNotification(deps.platform, 'title', content.title),
        body: forNotification(deps.platform, 'body', content.body),
      };
      if (icon) options.icon = icon;
      const n = new deps.Notification(options);
      live.add(n);
      n.on('click', () => {
        live.delete(n);
        onClick(event.message.peerId);
      });
      n.on('close', () => live.delete(n));
      n.show();
    },
    clear() {
      for (const n of live) n.close();
      live.clear();
    },
  };
}

/**
 * Title and body as a person should see them: peer text as plain text, with the characters that
 * would hide or reorder it written out (a nick's RLO or zero-width space, a message's bidi
 * override), as the window shows them.
 */
export function notificationContent(
  { message, peer }: MessageEvent,
  language: TextLanguage = 'en',
): {
  title: string;
  body: string;
} {
  const say = (key: Parameters<typeof shellText>[0], params = {}) =>
    shellText(key, language, params);
  const who = revealPlain(peer?.nick.trim() ?? '', 'name') || peer?.address || message.peerId;
  const title = message.broadcast ? say('notify.to-everyone', { who }) : who;
  const text = message.undecodable
    ? say('notify.undecodable', { encoding: message.undecodable.encoding })
    : message.sealed && message.sealed.openedAt === null
      ? say('notify.sealed')
      : preview(message.text);
  // An offer of files notifies even without a text: the person has to accept it.
  const n = message.files?.length ?? 0;
  const files =
    n === 0 ? '' : n === 1 ? say('notify.offers-file') : say('notify.offers-files', { count: n });
  const body = files && text ? say('notify.files-and-text', { files, text }) : files || text;
  return { title, body };
}

function preview(text: string): string {
  const flat = revealPlain(text.replace(/\s+/g, ' ').trim(), 'text');
  return flat.length <= 140 ? flat : `${flat.slice(0, 139)}…`;
}

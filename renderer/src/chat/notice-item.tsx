import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatMessage, ConversationNotice } from '../../../shared/model';
import { redirectQueued, useApp } from '../store/app-store';
import { formatTime } from '../ui/format';
import { AlertIcon } from '../ui/icons';
import { PeerText } from '../ui/peer-text';
import { failureText } from './delivery-status';

/** Notices written in the conversation the person moved from: they offer the outbox's move. */
const MOVED: readonly ConversationNotice['code'][] = [
  'identity-moved-install',
  'identity-moved-names',
];

/**
 * A line the engine wrote into the conversation (an address change), centred between the
 * messages: what was seen, and that it proves nothing. In the old conversation, while messages
 * wait in its outbox and the new address is online, it offers to send them there; nothing
 * moves until the person presses that button (chat:redirect-queued).
 */
export const NoticeItem = memo(function NoticeItem({
  message,
  notice,
}: {
  message: ChatMessage;
  notice: ConversationNotice;
}) {
  const { t, i18n } = useTranslation();
  const toPeerId = typeof notice.params.peer === 'string' ? notice.params.peer : '';
  const address = String(notice.params.address ?? toPeerId);
  const offers = MOVED.includes(notice.code);
  const targetOnline = useApp((s) => (offers ? s.peers.get(toPeerId)?.online === true : false));
  // The waiting ones are the newest of their conversation: the page loaded holds them.
  const waiting = useApp((s) =>
    offers
      ? (s.conversations.get(message.peerId) ?? []).filter((m) => m.delivery?.state === 'outbox')
          .length
      : 0,
  );
  const [busy, setBusy] = useState(false);
  const offerId = `offer-${message.id}`;
  return (
    <div className="conv-notice" role="note" aria-label={t('addressNotice.label')}>
      <p className="conv-notice-text">
        <AlertIcon size={15} />
        <span>
          {/* The catalogue's sentence quotes the peer's nick: shown isolated, hidden marks shown. */}
          <PeerText text={failureText(notice, i18n.language)} mode="text" />{' '}
          <time className="conv-notice-time" dateTime={new Date(message.at).toISOString()}>
            {formatTime(message.at, i18n.language)}
          </time>
        </span>
      </p>
      {offers && targetOnline && waiting > 0 && (
        <div className="conv-notice-offer">
          <span id={offerId}>{t('addressNotice.offer', { count: waiting, address })}</span>
          <button
            type="button"
            className="button button-primary button-small"
            aria-describedby={offerId}
            disabled={busy}
            onClick={() => {
              setBusy(true);
              void redirectQueued(message.peerId, toPeerId).finally(() => setBusy(false));
            }}
          >
            {t('addressNotice.sendThere', { count: waiting, address })}
          </button>
        </div>
      )}
    </div>
  );
});

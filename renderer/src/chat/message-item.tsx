import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatMessage } from '../../../shared/model';
import { diagnosePeer } from '../diagnostics/echo-store';
import { MessageFiles } from '../files/message-files';
import { cancelQueued, retryMessage } from '../store/app-store';
import { formatTime } from '../ui/format';
import { AlertIcon, PinIcon } from '../ui/icons';
import {
  DeliveryMark,
  FailedNote,
  OutboxNote,
  RedirectedNote,
  UnconfirmedNote,
} from './delivery-status';
import { useMessageActions } from './message-actions';
import { MessageText } from './message-text';
import { SealedBody, SealedStatus } from './sealed-note';
import { UndecodableBody } from './undecodable-body';

/** One bubble: ours on the right, theirs on the left, time and delivery inside the bubble. */
export const MessageItem = memo(function MessageItem({
  message,
  first,
  tabbable = false,
}: {
  message: ChatMessage;
  /** Starts a run of messages from the same side (a little more space above). */
  first: boolean;
  /** Its actions button is the conversation's Tab stop among the messages. */
  tabbable?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const actions = useMessageActions(message, tabbable);
  const failed = message.delivery?.state === 'failed' ? message.delivery : null;
  const unconfirmed = message.delivery?.state === 'unconfirmed' ? message.delivery : null;
  const held = message.delivery?.state === 'outbox' ? message.delivery : null;
  const redirected = message.delivery?.state === 'redirected' ? message.delivery : null;
  return (
    <div
      className={`msg msg-${message.direction}${first ? ' msg-first' : ''}`}
      onContextMenu={actions.onContextMenu}
      onKeyDown={actions.onKeyDown}
    >
      <div className="msg-line">
        <div
          className={`msg-bubble${failed ? ' is-failed' : ''}${message.pinned ? ' is-pinned' : ''}`}
        >
          {message.autoReply && <p className="auto-reply-marker">{t('message.autoReply')}</p>}
          {message.undecodable ? (
            <UndecodableBody raw={message.undecodable} />
          ) : message.direction === 'in' && message.sealed?.openedAt === null ? (
            <SealedBody message={message} />
          ) : (
            // An offer of files may come without words.
            (message.text || !message.files?.length) && <MessageText text={message.text} />
          )}
          {message.files && message.files.length > 0 && (
            <MessageFiles ids={message.files} peerId={message.peerId} />
          )}
          {message.incomplete && (
            <p className="incomplete-marker">
              <AlertIcon size={15} />
              <span>
                {t('message.incomplete', {
                  received: message.incomplete.received,
                  total: message.incomplete.total,
                })}
              </span>
            </p>
          )}
          <span className="msg-meta">
            {message.pinned && (
              <span
                className="pin-mark"
                role="img"
                aria-label={t('history.pinnedTitle')}
                title={t('history.pinnedTitle')}
              >
                <PinIcon size={12} />
              </span>
            )}
            <time dateTime={new Date(message.at).toISOString()}>
              {formatTime(message.at, i18n.language)}
            </time>
            {message.direction === 'out' && !message.broadcast && (
              <DeliveryMark delivery={message.delivery} />
            )}
          </span>
        </div>
        {actions.trigger}
      </div>
      {actions.overlays}
      {failed && (
        <FailedNote
          failure={failed}
          onRetry={() => void retryMessage(message.id)}
          onDiagnose={message.broadcast ? undefined : () => diagnosePeer(message.peerId)}
        />
      )}
      {unconfirmed && <UnconfirmedNote reason={unconfirmed} />}
      {message.sealed && <SealedStatus message={message} />}
      {held && (
        <OutboxNote
          reason={held}
          expiresAt={held.expiresAt}
          onCancel={() => void cancelQueued(message.id)}
        />
      )}
      {redirected && <RedirectedNote reason={redirected} />}
    </div>
  );
});

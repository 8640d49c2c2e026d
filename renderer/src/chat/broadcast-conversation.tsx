import { useTranslation } from 'react-i18next';
import type { ChatMessage } from '../../../shared/model';
import { loadNewer, loadOlder, useApp } from '../store/app-store';
import { BROADCAST_ID } from '../store/app-state';
import { MegaphoneIcon } from '../ui/icons';
import { Composer } from './composer';
import { ConversationActions } from './conversation-actions';
import { MessageList } from './message-list';

const NONE: readonly ChatMessage[] = [];

/** What we sent to everyone (BROADCASTOPT: no receipts), and a composer that does the same. */
export function BroadcastConversation() {
  const { t } = useTranslation();
  const messages = useApp((s) => s.conversations.get(BROADCAST_ID) ?? NONE);
  const focusId = useApp((s) => (s.focus?.peerId === BROADCAST_ID ? s.focus.messageId : undefined));
  return (
    <section className="conversation" aria-label={t('conversation.broadcastTitle')}>
      <header className="conversation-header">
        <span className="chat-row-icon header-icon" aria-hidden="true">
          <MegaphoneIcon size={18} />
        </span>
        <div className="conversation-title">
          <h2>{t('conversation.broadcastTitle')}</h2>
          <p>{t('conversation.broadcastSubtitle')}</p>
        </div>
        <ConversationActions peerId={BROADCAST_ID} name={t('conversation.broadcastTitle')} />
      </header>
      <MessageList
        messages={messages}
        label={t('conversation.broadcastTitle')}
        empty={<p className="messages-empty-text">{t('conversation.broadcastEmpty')}</p>}
        onNearTop={() => void loadOlder(BROADCAST_ID)}
        onNearBottom={() => void loadNewer(BROADCAST_ID)}
        focusId={focusId}
      />
      <Composer mode="broadcast" />
    </section>
  );
}

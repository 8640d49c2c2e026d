import { useTranslation } from 'react-i18next';
import type { ChatMessage } from '../../../shared/model';
import { loadNewer, loadOlder, useApp } from '../store/app-store';
import { peerLabel } from '../../../shared/text/hidden-chars';
import { Composer } from './composer';
import { ConversationHeader } from './conversation-header';
import { MessageList } from './message-list';

const NONE: readonly ChatMessage[] = [];

export function PeerConversation({ peerId }: { peerId: string }) {
  const { t } = useTranslation();
  const peer = useApp((s) => s.peers.get(peerId));
  const messages = useApp((s) => s.conversations.get(peerId) ?? NONE);
  const loaded = useApp((s) => s.historyLoaded.has(peerId));
  const focusId = useApp((s) => (s.focus?.peerId === peerId ? s.focus.messageId : undefined));
  // For the labels and the composer's placeholder, which take no markup.
  const nick = peerLabel(peer?.nick || peer?.address || peerId);
  return (
    <section className="conversation" aria-label={nick}>
      <ConversationHeader peerId={peerId} peer={peer} />
      <MessageList
        messages={messages}
        label={t('conversation.messagesLabel', { nick })}
        onNearTop={() => void loadOlder(peerId)}
        onNearBottom={() => void loadNewer(peerId)}
        focusId={focusId}
        empty={
          <p className="messages-empty-text">
            {loaded ? t('conversation.noMessages') : t('conversation.loading')}
          </p>
        }
      />
      <Composer mode="peer" peerId={peerId} nick={nick} offline={peer ? !peer.online : false} />
    </section>
  );
}

import { useTranslation } from 'react-i18next';
import { useApp } from '../store/app-store';
import { BROADCAST_ID } from '../store/app-state';
import { PigeonMark } from '../ui/pigeon-mark';
import { BroadcastConversation } from './broadcast-conversation';
import { PeerConversation } from './peer-conversation';
import './conversation.css';

/** The right-hand side: the open conversation, or a quiet welcome when none is open. */
export function ConversationPane() {
  const { t } = useTranslation();
  const activeId = useApp((s) => s.activeId);
  if (!activeId) {
    return (
      <section className="conversation conversation-none" aria-label={t('conversation.emptyBody')}>
        <PigeonMark size={64} />
        <p className="conversation-none-title">{t('conversation.emptyBody')}</p>
        <p className="conversation-none-tagline">{t('conversation.emptyTagline')}</p>
      </section>
    );
  }
  if (activeId === BROADCAST_ID) return <BroadcastConversation />;
  return <PeerConversation key={activeId} peerId={activeId} />;
}

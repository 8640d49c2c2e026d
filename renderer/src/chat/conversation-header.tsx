import { useTranslation } from 'react-i18next';
import type { Peer } from '../../../shared/model';
import { clientLabel } from '../peers/client-label';
import { presenceOf } from '../peers/peer-row';
import { Avatar } from '../ui/avatar';
import { formatListStamp } from '../ui/format';

/** Who this is: nick, presence, and where they are (group, host, address, client). */
export function ConversationHeader({ peerId, peer }: { peerId: string; peer: Peer | undefined }) {
  const { t, i18n } = useTranslation();
  if (!peer) {
    return (
      <header className="conversation-header">
        <Avatar colourKey={peerId} nick={peerId} size="md" />
        <div className="conversation-title">
          <h2>{peerId}</h2>
          <p>{t('conversation.unknownPeer')}</p>
        </div>
      </header>
    );
  }
  const presence = presenceOf(peer);
  const status =
    presence === 'offline'
      ? t('conversation.lastSeen', {
          time: formatListStamp(peer.lastSeen, i18n.language, t('message.yesterday')),
        })
      : t(`conversation.${presence}`);
  const details = [peer.group, peer.host, peer.address, clientLabel(t, peer.client)].filter(
    Boolean,
  );
  return (
    <header className="conversation-header">
      <Avatar colourKey={peer.id} nick={peer.nick} size="md" presence={presence} />
      <div className="conversation-title">
        <h2 title={peer.nick}>{peer.nick || peer.address}</h2>
        <p>
          <span className={`presence-text presence-text-${presence}`}>{status}</span>
          <span
            className="conversation-details"
            title={`${peer.user}@${peer.host} · ${peer.version}`}
          >
            {details.join(' · ')}
          </span>
        </p>
      </div>
    </header>
  );
}

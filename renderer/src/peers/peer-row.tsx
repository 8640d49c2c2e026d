import { useTranslation } from 'react-i18next';
import type { Peer } from '../../../shared/model';
import { Avatar } from '../ui/avatar';
import { peerLabel } from '../../../shared/text/hidden-chars';
import { PeerText } from '../ui/peer-text';
import { clientLabel } from './client-label';
import './peer-row.css';

export function presenceOf(peer: Peer): 'online' | 'away' | 'offline' {
  if (!peer.online) return 'offline';
  return peer.away ? 'away' : 'online';
}

/** One compact peer: avatar, nick and client, then host and address; unread on the right. */
export function PeerRow({ peer, unread }: { peer: Peer; unread: number }) {
  const { t } = useTranslation();
  const presence = presenceOf(peer);
  return (
    <div className={`list-row peer-row presence-${presence}-row`}>
      <Avatar colourKey={peer.id} nick={peer.nick} size="md" presence={presence} />
      <div className="peer-row-text">
        <div className="peer-row-line">
          <PeerText
            className="peer-nick"
            text={peer.nick || peer.address}
            title={peerLabel(peer.nick)}
          />
          {presence === 'away' && <span className="peer-away">{t('peers.away')}</span>}
          <span className={`client-tag client-${peer.client}`} title={peerLabel(peer.version)}>
            {clientLabel(t, peer.client)}
          </span>
        </div>
        <div
          className="peer-row-sub"
          title={`${peerLabel(peer.user)}@${peerLabel(peer.host)} · ${peer.id}`}
        >
          <PeerText className="peer-host" text={peer.host} />
          <span className="peer-address">{peer.address}</span>
        </div>
      </div>
      {unread > 0 && (
        <span className="badge" aria-label={t('peers.unreadBadge', { count: unread })}>
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </div>
  );
}

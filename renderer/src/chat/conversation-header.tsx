import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import type { Peer } from '../../../shared/model';
import { clientLabel } from '../peers/client-label';
import { presenceOf } from '../peers/peer-row';
import { diagnosePeer } from '../diagnostics/echo-store';
import { Avatar } from '../ui/avatar';
import { peerLabel } from '../../../shared/text/hidden-chars';
import { PeerText } from '../ui/peer-text';
import { DiagnoseIcon } from '../ui/icons';
import { formatListStamp } from '../ui/format';
import { ConversationActions } from './conversation-actions';

/** Who this is: nick, presence, and where they are (group, host, address, client). */
export function ConversationHeader({ peerId, peer }: { peerId: string; peer: Peer | undefined }) {
  const { t, i18n } = useTranslation();
  if (!peer) {
    return (
      <header className="conversation-header">
        <Avatar colourKey={peerId} nick={peerId} size="md" />
        <div className="conversation-title">
          <h2>
            <PeerText text={peerId} />
          </h2>
          <p>{t('conversation.unknownPeer')}</p>
        </div>
        <DiagnoseButton peerId={peerId} name={peerLabel(peerId)} />
        <ConversationActions peerId={peerId} name={peerLabel(peerId)} />
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
  // Group and host come from the peer: each is isolated, so none can reorder the others.
  const details = [peer.group, peer.host, peer.address].filter(Boolean);
  return (
    <header className="conversation-header">
      <Avatar colourKey={peer.id} nick={peer.nick} size="md" presence={presence} />
      <div className="conversation-title">
        <h2 title={peerLabel(peer.nick)}>
          <PeerText text={peer.nick || peer.address} />
        </h2>
        <p>
          <span className={`presence-text presence-text-${presence}`}>{status}</span>
          <span
            className="conversation-details"
            title={`${peerLabel(peer.user)}@${peerLabel(peer.host)} · ${peerLabel(peer.version)}`}
          >
            {details.map((d, i) => (
              <Fragment key={i}>
                <PeerText text={d} />
                {' · '}
              </Fragment>
            ))}
            {clientLabel(t, peer.client)}
          </span>
        </p>
      </div>
      <DiagnoseButton peerId={peer.id} name={peerLabel(peer.nick || peer.address)} />
      <ConversationActions peerId={peer.id} name={peerLabel(peer.nick || peer.address)} />
    </header>
  );
}

/** Opens the echo panel's doctor on this peer: "Why can't I see …?". `name` is a peerLabel. */
function DiagnoseButton({ peerId, name }: { peerId: string; name: string }) {
  const { t } = useTranslation();
  const label = t('diag.whyCantISee', { name });
  return (
    <button
      type="button"
      className="button button-secondary button-small header-action"
      title={label}
      // The name is the visible word (speech users say it; it stays when the word is hidden on
      // narrow windows); the question in the title becomes the description.
      aria-label={t('diag.whyShort')}
      onClick={() => diagnosePeer(peerId)}
    >
      <DiagnoseIcon size={16} />
      <span className="header-action-text">{t('diag.whyShort')}</span>
    </button>
  );
}

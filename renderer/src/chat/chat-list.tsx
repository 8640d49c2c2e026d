import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { openConversation, setView, useApp } from '../store/app-store';
import { BROADCAST_ID } from '../store/app-state';
import { Avatar } from '../ui/avatar';
import { formatListStamp } from '../ui/format';
import { AlertIcon, MegaphoneIcon } from '../ui/icons';
import { PeerText } from '../ui/peer-text';
import { VirtualListbox } from '../ui/virtual-listbox';
import { buildChatRows } from './chat-rows';
import type { ChatRow } from './chat-rows';
import { failureText } from './delivery-status';
import { previewText } from './message-preview';
import './chat-list.css';

const ROW_HEIGHT = 62;

/** Conversations, newest first, with the broadcast conversation pinned on top. */
export function ChatList({ query }: { query: string }) {
  const { t, i18n } = useTranslation();
  const conversations = useApp((s) => s.conversations);
  const unread = useApp((s) => s.unread);
  const peers = useApp((s) => s.peers);
  const activeId = useApp((s) => s.activeId);

  const rows = useMemo(
    () => buildChatRows(conversations, unread, peers, query, BROADCAST_ID),
    [conversations, unread, peers, query],
  );
  const broadcasts = conversations.get(BROADCAST_ID);
  const broadcastRow: ChatRow = {
    id: BROADCAST_ID,
    peer: undefined,
    last: broadcasts?.[broadcasts.length - 1],
    unread: 0,
  };
  const items = query.trim() ? rows : [broadcastRow, ...rows];
  // Two conversations under one name (the same person at a new address, or someone posing as
  // them): each row says its address too, so they cannot be taken for one another.
  const sharedNicks = useMemo(() => {
    const seen = new Set<string>();
    const shared = new Set<string>();
    for (const r of rows) {
      const nick = r.peer?.nick;
      if (nick === undefined) continue;
      if (seen.has(nick)) shared.add(nick);
      seen.add(nick);
    }
    return shared;
  }, [rows]);

  function render(row: ChatRow) {
    const isBroadcast = row.id === BROADCAST_ID;
    const nick = isBroadcast
      ? t('chats.broadcast')
      : (row.peer?.nick ?? row.last?.peerId ?? row.id);
    const last = row.last;
    let preview = <>{isBroadcast ? t('chats.broadcastHint') : t('chats.noMessages')}</>;
    if (last) {
      let text = last.undecodable ? `⟨${last.undecodable.encoding}⟩` : previewText(last);
      // An offer of files without words still says something.
      if (!text && last.files?.length) text = t('files.preview', { count: last.files.length });
      // A sealed one not opened yet has no text to show (it is withheld): say what it is.
      if (!text && last.direction === 'in' && last.sealed?.openedAt === null)
        text = t('sealed.closed');
      // A notice (an address change) is shown as its sentence, cut like a message.
      if (last.notice)
        text = previewText({ ...last, text: failureText(last.notice, i18n.language) });
      preview = (
        <>
          {last.direction === 'out' && !isBroadcast && t('chats.youPrefix')}
          <PeerText text={text} mode="text" />
        </>
      );
    }
    const failed = last?.delivery?.state === 'failed';
    return (
      <div className={`list-row chat-row${row.unread ? ' has-unread' : ''}`}>
        {isBroadcast ? (
          <span className="chat-row-icon" aria-hidden="true">
            <MegaphoneIcon size={20} />
          </span>
        ) : (
          <Avatar
            colourKey={row.id}
            nick={nick}
            size="lg"
            presence={row.peer && !row.peer.online ? 'offline' : undefined}
          />
        )}
        <div className="chat-row-text">
          <div className="chat-row-line">
            {isBroadcast ? (
              <span className="chat-row-nick">{nick}</span>
            ) : (
              <span className="chat-row-nick">
                <PeerText text={nick} />
                {row.peer && sharedNicks.has(row.peer.nick) && (
                  <span className="chat-row-address"> · {row.peer.address}</span>
                )}
              </span>
            )}
            {last && (
              <span className="chat-row-time">
                {formatListStamp(last.at, i18n.language, t('message.yesterday'))}
              </span>
            )}
          </div>
          <div className="chat-row-line">
            {failed && <AlertIcon size={14} className="chat-row-failed" />}
            <span className="chat-row-preview">{preview}</span>
            {row.unread > 0 && (
              <span className="badge" aria-label={t('peers.unreadBadge', { count: row.unread })}>
                {row.unread > 99 ? '99+' : row.unread}
              </span>
            )}
          </div>
        </div>
      </div>
    );
  }

  const list = (
    <VirtualListbox<ChatRow>
      items={items}
      getKey={(r) => r.id}
      rowHeight={() => ROW_HEIGHT}
      selectedKey={activeId}
      label={t('chats.listLabel')}
      onActivate={(r) => openConversation(r.id)}
      renderItem={render}
      layout={rows.length ? 'fill' : 'fit'}
    />
  );

  if (rows.length) return list;
  return (
    <>
      {items.length > 0 && list}
      {/* While searching, the message hits below are what counts: a line, not a panel. */}
      <div className={`list-empty${query.trim() ? ' list-empty-compact' : ''}`}>
        <p className="list-empty-title">
          {query.trim() ? t('peers.noMatch', { query: query.trim() }) : t('chats.empty')}
        </p>
        {!query.trim() && (
          <>
            <p className="list-empty-hint">{t('chats.emptyHint')}</p>
            <button
              type="button"
              className="button button-secondary"
              onClick={() => setView('peers')}
            >
              {t('chats.goToPeers')}
            </button>
          </>
        )}
      </div>
    </>
  );
}

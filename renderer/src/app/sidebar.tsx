import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AddPeerDialog } from '../peers/add-peer-dialog';
import { ChatList } from '../chat/chat-list';
import { MessageSearch } from '../chat/message-search';
import { PeerList } from '../peers/peer-list';
import { refreshPeers, useApp } from '../store/app-store';
import { AddPeerIcon, CloseIcon, RefreshIcon, SearchIcon } from '../ui/icons';
import './sidebar.css';

/** The middle column: title and actions, a search box, then conversations or peers. */
export function Sidebar({ view }: { view: 'chats' | 'peers' }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [adding, setAdding] = useState(false);
  const [refreshing, setRefreshing] = useState(false);
  const online = useApp((s) => {
    let n = 0;
    for (const p of s.peers.values()) if (p.online) n++;
    return n;
  });

  async function refresh() {
    setRefreshing(true);
    await refreshPeers();
    window.setTimeout(() => setRefreshing(false), 400);
  }

  return (
    <section className="sidebar" aria-label={t(view === 'chats' ? 'chats.title' : 'peers.title')}>
      <header className="sidebar-header">
        <div className="sidebar-title">
          <h1>{t(view === 'chats' ? 'chats.title' : 'peers.title')}</h1>
          <span className="sidebar-count">{t('peers.online', { count: online })}</span>
        </div>
        <button
          type="button"
          className={`icon-button${refreshing ? ' is-spinning' : ''}`}
          aria-label={t('sidebar.refresh')}
          title={t('sidebar.refresh')}
          onClick={() => void refresh()}
        >
          <RefreshIcon size={18} />
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={t('sidebar.addPeer')}
          title={t('sidebar.addPeer')}
          onClick={() => setAdding(true)}
        >
          <AddPeerIcon size={18} />
        </button>
      </header>
      <div className="search">
        <SearchIcon size={15} />
        <input
          type="search"
          value={query}
          placeholder={t('sidebar.search')}
          aria-label={t('sidebar.searchLabel')}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setQuery('');
          }}
          spellCheck={false}
        />
        {query && (
          <button
            type="button"
            className="search-clear"
            aria-label={t('sidebar.clearSearch')}
            onClick={() => setQuery('')}
          >
            <CloseIcon size={13} />
          </button>
        )}
      </div>
      {view === 'chats' ? <ChatList query={query} /> : <PeerList query={query} />}
      {view === 'chats' && <MessageSearch query={query} />}
      {adding && <AddPeerDialog onClose={() => setAdding(false)} />}
    </section>
  );
}

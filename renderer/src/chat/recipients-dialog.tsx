import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { matchesQuery } from '../peers/group-peers';
import { useApp } from '../store/app-store';
import { Avatar } from '../ui/avatar';
import { Dialog } from '../ui/dialog';
import { PeerText } from '../ui/peer-text';
import './recipients-dialog.css';

const ROW = 44;

/** Pick more peers for one message; each gets its own copy and its own receipt. */
export function RecipientsDialog({
  exclude,
  selected,
  onClose,
}: {
  exclude: string;
  selected: readonly string[];
  onClose: (selected: readonly string[]) => void;
}) {
  const { t, i18n } = useTranslation();
  const peers = useApp((s) => s.peers);
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<ReadonlySet<string>>(() => new Set(selected));
  const scrollRef = useRef<HTMLDivElement>(null);

  const list = useMemo(() => {
    const collator = new Intl.Collator(i18n.language);
    return [...peers.values()]
      .filter((p) => p.id !== exclude && p.online && matchesQuery(p, query.trim()))
      .sort((a, b) => collator.compare(a.group, b.group) || collator.compare(a.nick, b.nick));
  }, [peers, exclude, query, i18n.language]);

  const virtualizer = useVirtualizer({
    count: list.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    overscan: 6,
  });

  const done = () => onClose([...picked]);
  function toggle(id: string) {
    setPicked((prev) => {
      const next = new Set(prev);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }

  return (
    <Dialog
      title={t('recipients.title')}
      description={t('recipients.body')}
      onClose={done}
      closeLabel={t('recipients.done')}
      wide
    >
      <input
        className="input"
        type="search"
        autoFocus
        value={query}
        placeholder={t('recipients.search')}
        aria-label={t('recipients.search')}
        onChange={(e) => setQuery(e.target.value)}
      />
      <div ref={scrollRef} className="recipients-list">
        <div className="recipients-inner" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((v) => {
            const peer = list[v.index];
            if (!peer) return null;
            return (
              <label
                key={peer.id}
                className="recipient"
                style={{ height: ROW, transform: `translateY(${v.start}px)` }}
              >
                <input
                  type="checkbox"
                  checked={picked.has(peer.id)}
                  onChange={() => toggle(peer.id)}
                />
                <Avatar colourKey={peer.id} nick={peer.nick} size="sm" />
                <span className="recipient-nick">
                  <PeerText text={peer.nick || peer.address} />
                </span>
                <span className="recipient-group">
                  <PeerText text={peer.group || t('peers.noGroup')} />
                </span>
              </label>
            );
          })}
        </div>
      </div>
      <div className="dialog-actions">
        <span className="dialog-count">{t('recipients.selected', { count: picked.size })}</span>
        <button type="button" className="button button-primary" onClick={done}>
          {t('recipients.done')}
        </button>
      </div>
    </Dialog>
  );
}

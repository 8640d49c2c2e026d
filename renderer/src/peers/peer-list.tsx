import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { openConversation, useApp } from '../store/app-store';
import { peerLabel } from '../../../shared/text/hidden-chars';
import { ChevronIcon } from '../ui/icons';
import { PeerText } from '../ui/peer-text';
import { VirtualListbox } from '../ui/virtual-listbox';
import { buildPeerRows, OFFLINE_GROUP } from './group-peers';
import type { PeerRow as Row } from './group-peers';
import { PeerRow } from './peer-row';
import './peer-list.css';

const GROUP_HEIGHT = 30;
const PEER_HEIGHT = 52;

/** Everyone the engine knows, grouped by group, searchable; 1,000 rows scroll smoothly. */
export function PeerList({ query }: { query: string }) {
  const { t, i18n } = useTranslation();
  const peers = useApp((s) => s.peers);
  const unread = useApp((s) => s.unread);
  const activeId = useApp((s) => s.activeId);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set([OFFLINE_GROUP]));

  const collator = useMemo(() => new Intl.Collator(i18n.language), [i18n.language]);
  const rows = useMemo(
    () => buildPeerRows(peers.values(), query, collapsed, collator),
    [peers, query, collapsed, collator],
  );

  // Group names come from peers; the two fallbacks are ours.
  const ownGroupName = (group: string) =>
    group === OFFLINE_GROUP ? t('peers.offline') : group ? undefined : t('peers.noGroup');
  const groupLabel = (group: string) => ownGroupName(group) ?? peerLabel(group);

  /** What a group header is called: what it shows (the offline group shows a count only). */
  function groupHeaderName(r: Extract<Row, { kind: 'group' }>): string {
    const group = groupLabel(r.group);
    const label =
      r.group === OFFLINE_GROUP
        ? t('peers.groupCountOffline', { group, count: r.count })
        : t('peers.groupCount', { group, online: r.online, count: r.count });
    return t(r.collapsed ? 'peers.groupCollapsed' : 'peers.groupExpanded', { label });
  }

  function toggle(group: string) {
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (!next.delete(group)) next.add(group);
      return next;
    });
  }

  if (rows.length === 0) {
    return (
      <div className="list-empty">
        <p className="list-empty-title">
          {query.trim() ? t('peers.noMatch', { query: query.trim() }) : t('peers.empty')}
        </p>
        {!query.trim() && <p className="list-empty-hint">{t('peers.emptyHint')}</p>}
      </div>
    );
  }

  return (
    <VirtualListbox<Row>
      items={rows}
      getKey={(r) => r.key}
      rowHeight={(r) => (r.kind === 'group' ? GROUP_HEIGHT : PEER_HEIGHT)}
      selectedKey={activeId}
      label={t('peers.listLabel')}
      onActivate={(r) => (r.kind === 'group' ? toggle(r.group) : openConversation(r.peer.id))}
      optionProps={(r) =>
        r.kind === 'group'
          ? // An option may not carry aria-expanded: the header says its state in its name.
            { 'aria-label': groupHeaderName(r) }
          : { 'aria-label': undefined }
      }
      renderItem={(r) =>
        r.kind === 'group' ? (
          <div className={`group-row${r.collapsed ? ' is-collapsed' : ''}`}>
            <ChevronIcon size={14} className="group-chevron" />
            <PeerText
              className="group-name"
              text={ownGroupName(r.group) ?? r.group}
              title={groupLabel(r.group)}
            />
            {/* Not drawn in the flex row, but keeps "Design" and "3/3" two words for software. */}{' '}
            <span className="group-count">
              {r.group === OFFLINE_GROUP ? r.count : `${r.online}/${r.count}`}
            </span>
          </div>
        ) : (
          <PeerRow peer={r.peer} unread={unread.get(r.peer.id) ?? 0} />
        )
      }
    />
  );
}

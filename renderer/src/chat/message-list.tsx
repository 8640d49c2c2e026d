import { useVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatMessage } from '../../../shared/model';
import { formatDay } from '../ui/format';
import { MessageItem } from './message-item';
import { NoticeItem } from './notice-item';
import { buildMessageRows } from './message-rows';
import './message-list.css';

const NEAR_BOTTOM_PX = 120;
/** Older messages are asked for this far from the top, before the reader gets there. */
const NEAR_TOP_PX = 600;

interface MessageListProps {
  messages: readonly ChatMessage[];
  label: string;
  empty: ReactNode;
  /** Called when the reader scrolls near the oldest loaded message (load the page before). */
  onNearTop?: () => void;
  /** Called near the newest loaded message (a conversation opened at a search hit). */
  onNearBottom?: () => void;
  /** A message to bring into view and mark (a search hit). */
  focusId?: string | undefined;
}

/**
 * The conversation, virtualised with measured row heights so 10,000 messages stay smooth.
 * It opens at the newest message and follows new ones while the reader is at the bottom.
 */
export function MessageList({
  messages,
  label,
  empty,
  onNearTop,
  onNearBottom,
  focusId,
}: MessageListProps) {
  const { t, i18n } = useTranslation();
  const scrollRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const rows = useMemo(() => buildMessageRows(messages), [messages]);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (rows[i]?.kind === 'day' ? 40 : 52),
    getItemKey: (i) => rows[i]?.key ?? i,
    overscan: 10,
    paddingStart: 12,
    paddingEnd: 12,
  });

  const lastRow = rows[rows.length - 1];
  const lastKey = lastRow?.key;
  // Our own new message always brings the view down; theirs only if we were at the bottom.
  const lastIsOurs = lastRow?.kind === 'message' && lastRow.message.direction === 'out';
  const seenLast = useRef<string | undefined>(undefined);
  useLayoutEffect(() => {
    const isNew = seenLast.current !== undefined && seenLast.current !== lastKey;
    seenLast.current = lastKey;
    if (isNew && lastIsOurs) atBottom.current = true;
    if (!rows.length || !atBottom.current) return;
    virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
    // Heights settle after the first measurement; pin to the bottom once more.
    const frame = requestAnimationFrame(() => {
      const el = scrollRef.current;
      if (el && atBottom.current) el.scrollTop = el.scrollHeight;
    });
    return () => cancelAnimationFrame(frame);
  }, [lastKey, lastIsOurs, rows.length, virtualizer]);

  // Older messages arrived above: keep what the reader looks at where it is.
  const firstKey = rows[0]?.key;
  const seenFirst = useRef<{ key: string | undefined; height: number }>({
    key: undefined,
    height: 0,
  });
  useLayoutEffect(() => {
    const el = scrollRef.current;
    const before = seenFirst.current;
    const height = virtualizer.getTotalSize();
    if (el && before.key !== undefined && before.key !== firstKey && !atBottom.current)
      el.scrollTop += height - before.height;
    seenFirst.current = { key: firstKey, height };
  }, [firstKey, virtualizer]);

  // A search hit: show it in the middle, once per hit.
  const focusIndex = focusId
    ? rows.findIndex((r) => r.kind === 'message' && r.message.id === focusId)
    : -1;
  const focused = useRef<string | undefined>(undefined);
  useLayoutEffect(() => {
    if (focusIndex < 0 || focused.current === focusId) return;
    focused.current = focusId;
    atBottom.current = false;
    virtualizer.scrollToIndex(focusIndex, { align: 'center' });
  }, [focusIndex, focusId, virtualizer]);

  // One Tab stop among the messages' actions buttons (roving): the last one focused, else the
  // newest message's; the arrows move it (a Tab per message would bury the composer).
  const [current, setCurrent] = useState<string | null>(null);
  const tabbableId = useMemo(() => {
    let last: string | undefined;
    for (const r of rows) {
      if (r.kind !== 'message') continue;
      if (r.message.id === current) return current;
      last = r.message.id;
    }
    return last;
  }, [rows, current]);
  const moveBetweenMessages = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    const from = e.target as HTMLElement;
    if (!from.classList.contains('msg-actions-button')) return;
    const buttons = [
      ...(scrollRef.current?.querySelectorAll<HTMLElement>('.msg-actions-button') ?? []),
    ];
    const next = buttons[buttons.indexOf(from) + (e.key === 'ArrowUp' ? -1 : 1)];
    e.preventDefault();
    if (!next) return;
    next.focus();
    next.scrollIntoView({ block: 'nearest' });
  };

  if (!rows.length) return <div className="messages messages-empty">{empty}</div>;

  const words = { today: t('message.today'), yesterday: t('message.yesterday') };
  return (
    <div
      ref={scrollRef}
      className="messages"
      role="log"
      aria-label={label}
      aria-live="polite"
      tabIndex={0}
      onKeyDown={moveBetweenMessages}
      onFocus={(e) => {
        const id = e.target.dataset.messageId;
        if (id && e.target.classList.contains('msg-actions-button')) setCurrent(id);
      }}
      onScroll={(e) => {
        const el = e.currentTarget;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
        if (el.scrollTop < NEAR_TOP_PX) onNearTop?.();
        if (el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_TOP_PX) onNearBottom?.();
      }}
    >
      <div className="messages-inner" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((v) => {
          const row = rows[v.index];
          if (!row) return null;
          return (
            <div
              key={v.key}
              data-index={v.index}
              ref={virtualizer.measureElement}
              className={`messages-row${row.kind === 'message' && row.message.id === focusId ? ' is-focused' : ''}`}
              style={{ transform: `translateY(${v.start}px)` }}
            >
              {row.kind === 'day' ? (
                <div className="day-separator" role="separator">
                  <span>{formatDay(row.at, i18n.language, words)}</span>
                </div>
              ) : row.message.notice ? (
                <NoticeItem message={row.message} notice={row.message.notice} />
              ) : (
                <MessageItem
                  message={row.message}
                  first={row.first}
                  tabbable={row.message.id === tabbableId}
                />
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BROADCAST_ID, type HistorySearchHit } from '../../../shared/model';
import { onHistoryDeleted, openConversationAt, searchHistory } from '../store/app-store';
import { withoutDeleted } from '../store/app-state';
import { formatListStamp } from '../ui/format';
import { PeerText } from '../ui/peer-text';
import './message-search.css';

/** Typing pauses this long before the history is searched. */
const DEBOUNCE_MS = 200;

/**
 * Messages that hold the words of the sidebar's search box, across every conversation (the
 * history's full-text search, Chinese included), newest first, the words marked; a click opens
 * the conversation at that message.
 */
export function MessageSearch({ query }: { query: string }) {
  const { t, i18n } = useTranslation();
  const [hits, setHits] = useState<HistorySearchHit[] | null>(null);
  const text = query.trim();

  // A message deleted in any window leaves the results shown here.
  useEffect(
    () => onHistoryDeleted((deleted) => setHits((h) => h && withoutDeleted(h, deleted))),
    [],
  );

  useEffect(() => {
    if (!text) {
      setHits(null);
      return;
    }
    let live = true;
    const timer = window.setTimeout(() => {
      void searchHistory(text).then((found) => {
        if (live) setHits(found ?? []);
      });
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [text]);

  if (!text || hits === null) return null;
  return (
    <section className="message-search" aria-label={t('search.messages')}>
      <h2 className="message-search-title">{t('search.messagesCount', { count: hits.length })}</h2>
      {hits.length === 0 ? (
        <p className="message-search-empty">{t('search.noMessages')}</p>
      ) : (
        <ul className="message-search-list">
          {hits.map((hit) => (
            <li key={hit.message.id}>
              <button
                type="button"
                className="message-search-hit"
                onClick={() => void openConversationAt(hit.conversation.peerId, hit.message.id)}
              >
                <span className="message-search-line">
                  {hit.conversation.peerId === BROADCAST_ID ? (
                    <span className="message-search-name">{t('chats.broadcast')}</span>
                  ) : (
                    <PeerText className="message-search-name" text={hit.conversation.name} />
                  )}
                  <span className="message-search-time">
                    {formatListStamp(hit.message.at, i18n.language, t('message.yesterday'))}
                  </span>
                </span>
                <HighlightedText text={hit.message.text} ranges={hit.ranges} />
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The text around the first match, the matches in <mark>; peer text shown as PeerText does. */
function HighlightedText({ text, ranges }: { text: string; ranges: [number, number][] }) {
  // Start a little before the first match, so that it shows in a one-line preview.
  const from = Math.max(0, (ranges[0]?.[0] ?? 0) - 12);
  const parts: { text: string; hit: boolean }[] = [];
  let at = from;
  for (const [start, end] of ranges) {
    if (end <= at) continue;
    if (start > at) parts.push({ text: text.slice(at, start), hit: false });
    parts.push({ text: text.slice(Math.max(start, at), end), hit: true });
    at = end;
  }
  parts.push({ text: text.slice(at, at + 200), hit: false });
  return (
    <span className="message-search-text">
      {from > 0 && '…'}
      {parts.map((p, i) =>
        p.hit ? (
          <mark key={i}>
            <PeerText text={p.text} mode="text" />
          </mark>
        ) : (
          <PeerText key={i} text={p.text.replace(/\s+/g, ' ')} mode="text" />
        ),
      )}
    </span>
  );
}

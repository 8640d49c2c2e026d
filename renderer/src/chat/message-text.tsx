import { memo } from 'react';
import { linkify } from './linkify';

/**
 * Peer text as text nodes only. Links are anchors to http(s) URLs that open outside the app
 * (Electron's window-open handler denies the window and hands the URL to the OS browser).
 */
export const MessageText = memo(function MessageText({ text }: { text: string }) {
  return (
    <>
      {linkify(text).map((part, i) =>
        part.kind === 'link' ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer nofollow">
            {part.text}
          </a>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  );
});

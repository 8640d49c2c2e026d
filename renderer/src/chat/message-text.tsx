import { Fragment, memo } from 'react';
import { useTranslation } from 'react-i18next';
import { RevealedText } from '../ui/peer-text';
import { linkify } from './linkify';

/**
 * Peer text as text nodes only, in a <bdi> so its direction stays inside the bubble. Links are
 * anchors to http(s) URLs that open outside the app (Electron's window-open handler denies the
 * window and hands the URL to the OS browser); their text is checked as strictly as a name, and
 * when it does not show the host the link really goes to, that host follows it.
 */
export const MessageText = memo(function MessageText({ text }: { text: string }) {
  const { t } = useTranslation();
  return (
    <bdi className="msg-text">
      {linkify(text).map((part, i) =>
        part.kind === 'link' ? (
          <Fragment key={i}>
            <a
              href={part.href}
              title={part.href}
              target="_blank"
              rel="noopener noreferrer nofollow"
            >
              <RevealedText text={part.text} mode="name" />
            </a>
            {part.realHost && (
              <bdi className="link-real-host" title={t('peerText.realHost', { url: part.href })}>
                {part.realHost}
              </bdi>
            )}
          </Fragment>
        ) : (
          <RevealedText key={i} text={part.text} mode="text" />
        ),
      )}
    </bdi>
  );
});

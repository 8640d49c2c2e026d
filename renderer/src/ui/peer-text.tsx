import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import {
  codePointLabel,
  hiddenCharName,
  markText,
  revealHidden,
} from '../../../shared/text/hidden-chars';
import type { RevealMode } from '../../../shared/text/hidden-chars';
import './peer-text.css';

/**
 * Text a peer chose (a nick, a group, a host, a message), isolated in a <bdi> so its direction
 * cannot reorder the UI around it, with hidden characters shown as marks.
 */
export function PeerText({
  text,
  mode = 'name',
  className,
  title,
}: {
  text: string;
  mode?: RevealMode;
  className?: string;
  /** A tooltip: give it peerLabel(...) of the text, never the raw text. */
  title?: string;
}) {
  return (
    <bdi className={className} title={title}>
      <RevealedText text={text} mode={mode} />
    </bdi>
  );
}

/** The text with each hidden character replaced by a mark (for use inside an isolate). */
export function RevealedText({ text, mode }: { text: string; mode: RevealMode }) {
  return (
    <>
      {revealHidden(text, mode).map((part, i) =>
        part.kind === 'text' ? (
          <Fragment key={i}>{part.text}</Fragment>
        ) : (
          <HiddenMark key={i} codePoint={part.codePoint} count={part.count} />
        ),
      )}
    </>
  );
}

function HiddenMark({ codePoint, count }: { codePoint: number; count: number }) {
  const { t } = useTranslation();
  const name = hiddenCharName(codePoint);
  const what = name ? `${codePointLabel(codePoint)} (${name})` : codePointLabel(codePoint);
  const label =
    count > 1
      ? t('peerText.hiddenChars', { what, times: count })
      : t('peerText.hiddenChar', { what });
  return (
    <span className="hidden-char" role="img" aria-label={label} title={label}>
      {markText({ codePoint, count })}
    </span>
  );
}

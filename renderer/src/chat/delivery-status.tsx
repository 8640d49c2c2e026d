import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeliveryState, Outcome } from '../../../shared/model';
import { outcomeText, type TextLanguage } from '../../../shared/model/texts';
import { AlertIcon, CheckIcon, ClockIcon, SendIcon, UnconfirmedIcon } from '../ui/icons';
import { formatDeadline } from '../ui/format';
import { PeerText } from '../ui/peer-text';

type Settled = Exclude<DeliveryState, { state: 'queued' } | { state: 'sent' }>;

/**
 * How each settled state is marked: its class, icon and label; the title is the label, or the
 * catalogue's sentence for why (`why`), since that is what a pointer over the mark asks.
 */
const MARKS: Record<
  Settled['state'],
  { className: string; label: string; icon: ReactElement; why: boolean }
> = {
  delivered: {
    className: 'delivery-done',
    label: 'message.delivered',
    icon: <CheckIcon size={14} strokeWidth={2.2} />,
    why: false,
  },
  // Someone acknowledged it, but that acknowledgement could have been forged.
  unconfirmed: {
    className: 'delivery-unconfirmed',
    label: 'message.unconfirmed',
    icon: <UnconfirmedIcon size={14} />,
    why: true,
  },
  // Waiting for the peer to come back; the note under the message says until when.
  outbox: {
    className: 'delivery-outbox',
    label: 'message.outbox',
    icon: <ClockIcon size={13} />,
    why: true,
  },
  // Sent to the same person's new address instead, as a new message there.
  redirected: {
    className: 'delivery-redirected',
    label: 'message.redirected',
    icon: <SendIcon size={13} />,
    why: true,
  },
  failed: {
    className: 'delivery-failed',
    label: 'message.failed',
    icon: <AlertIcon size={14} />,
    why: true,
  },
};

/** The small mark after an outgoing message's time. */
export function DeliveryMark({ delivery }: { delivery: DeliveryState | undefined }) {
  const { t, i18n } = useTranslation();
  if (!delivery) return null;
  if (delivery.state === 'queued' || delivery.state === 'sent') {
    const label =
      delivery.state === 'sent' && delivery.attempts > 1
        ? t('message.retrying', { attempt: delivery.attempts })
        : t('message.sending');
    return (
      <span className="delivery delivery-pending" role="img" aria-label={label} title={label}>
        <ClockIcon size={13} />
      </span>
    );
  }
  const mark = MARKS[delivery.state];
  const label = t(mark.label);
  const title = mark.why && 'code' in delivery ? failureText(delivery, i18n.language) : label;
  return (
    <span className={`delivery ${mark.className}`} role="img" aria-label={label} title={title}>
      {mark.icon}
    </span>
  );
}

/** Why it failed (or is unconfirmed), in the UI's language, from the catalogue the CLI uses too. */
export function failureText(outcome: Outcome, language: string): string {
  const lang: TextLanguage = language === 'zh-CN' ? 'zh-CN' : 'en';
  return outcomeText(outcome, lang);
}

/** Under a failed message: why, a way to try again, and (for a peer) a way to find out why. */
export function FailedNote({
  failure,
  onRetry,
  onDiagnose,
}: {
  failure: Outcome;
  onRetry: () => void;
  onDiagnose?: (() => void) | undefined;
}) {
  const { t, i18n } = useTranslation();
  return (
    <div className="msg-failed">
      {/* The catalogue's sentences quote the peer's nick and the OS's errors. */}
      <span>
        {t('message.noteLabel', { label: t('message.failed') })}
        <PeerText text={failureText(failure, i18n.language)} mode="text" />
      </span>
      <button type="button" className="link-button" onClick={onRetry}>
        {t('message.retry')}
      </button>
      {onDiagnose && (
        <button type="button" className="link-button" onClick={onDiagnose}>
          {t('message.diagnose')}
        </button>
      )}
    </div>
  );
}

/** Under an unconfirmed message: why its acknowledgement proves nothing (see SECURITY.md). */
export function UnconfirmedNote({ reason }: { reason: Outcome }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="msg-unconfirmed">
      <span>
        {t('message.noteLabel', { label: t('message.unconfirmed') })}
        <PeerText text={failureText(reason, i18n.language)} mode="text" />
      </span>
    </div>
  );
}

/** Under a message that went to another address instead (chat:redirect-queued). */
export function RedirectedNote({ reason }: { reason: Outcome }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="msg-redirected">
      <span>
        {t('message.noteLabel', { label: t('message.redirected') })}
        <PeerText text={failureText(reason, i18n.language)} mode="text" />
      </span>
    </div>
  );
}

/** Under a message in the outbox: why it waits, for how long, and a way to take it out. */
export function OutboxNote({
  reason,
  expiresAt,
  onCancel,
}: {
  reason: Outcome;
  /** When it fails 'expired' if the peer has not come back. */
  expiresAt: number;
  onCancel: () => void;
}) {
  const { t, i18n } = useTranslation();
  return (
    <div className="msg-outbox">
      <span>
        {t('message.noteLabel', { label: t('message.outbox') })}
        <PeerText text={failureText(reason, i18n.language)} mode="text" />
        {t('message.outboxUntil', { when: formatDeadline(expiresAt, i18n.language) })}
      </span>
      <button type="button" className="link-button" onClick={onCancel}>
        {t('message.cancelQueued')}
      </button>
    </div>
  );
}

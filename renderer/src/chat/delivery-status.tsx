import { useTranslation } from 'react-i18next';
import type { DeliveryState, Outcome } from '../../../shared/model';
import { outcomeText, type TextLanguage } from '../../../shared/model/texts';
import { AlertIcon, CheckIcon, ClockIcon, SendIcon, UnconfirmedIcon } from '../ui/icons';
import { PeerText } from '../ui/peer-text';

/** The small mark after an outgoing message's time. */
export function DeliveryMark({ delivery }: { delivery: DeliveryState | undefined }) {
  const { t, i18n } = useTranslation();
  if (!delivery) return null;
  switch (delivery.state) {
    case 'queued':
    case 'sent': {
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
    case 'delivered':
      return (
        <span
          className="delivery delivery-done"
          role="img"
          aria-label={t('message.delivered')}
          title={t('message.delivered')}
        >
          <CheckIcon size={14} strokeWidth={2.2} />
        </span>
      );
    case 'unconfirmed':
      // Someone acknowledged it, but that acknowledgement could have been forged.
      return (
        <span
          className="delivery delivery-unconfirmed"
          role="img"
          aria-label={t('message.unconfirmed')}
          title={failureText(delivery, i18n.language)}
        >
          <UnconfirmedIcon size={14} />
        </span>
      );
    case 'outbox':
      // Waiting for the peer to come back; the note under the message says until when.
      return (
        <span
          className="delivery delivery-outbox"
          role="img"
          aria-label={t('message.outbox')}
          title={failureText(delivery, i18n.language)}
        >
          <ClockIcon size={13} />
        </span>
      );
    case 'redirected':
      // Sent to the same person's new address instead, as a new message there.
      return (
        <span
          className="delivery delivery-redirected"
          role="img"
          aria-label={t('message.redirected')}
          title={failureText(delivery, i18n.language)}
        >
          <SendIcon size={13} />
        </span>
      );
    case 'failed':
      return (
        <span
          className="delivery delivery-failed"
          role="img"
          aria-label={t('message.failed')}
          title={failureText(delivery, i18n.language)}
        >
          <AlertIcon size={14} />
        </span>
      );
  }
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
        {t('message.redirected')}:{' '}
        <PeerText text={failureText(reason, i18n.language)} mode="text" />
      </span>
    </div>
  );
}

/** Under a message in the outbox: why it waits, for how long, and a way to take it out. */
export function OutboxNote({ reason, onCancel }: { reason: Outcome; onCancel: () => void }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="msg-outbox">
      <span>
        {t('message.noteLabel', { label: t('message.outbox') })}
        <PeerText text={failureText(reason, i18n.language)} mode="text" />
      </span>
      <button type="button" className="link-button" onClick={onCancel}>
        {t('message.cancelQueued')}
      </button>
    </div>
  );
}

import { useTranslation } from 'react-i18next';
import type { DeliveryState } from '../../../shared/model';
import { AlertIcon, CheckIcon, ClockIcon } from '../ui/icons';

/** The small mark after an outgoing message's time. */
export function DeliveryMark({ delivery }: { delivery: DeliveryState | undefined }) {
  const { t } = useTranslation();
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
    case 'failed':
      return (
        <span
          className="delivery delivery-failed"
          role="img"
          aria-label={t('message.failed')}
          title={delivery.reason}
        >
          <AlertIcon size={14} />
        </span>
      );
  }
}

/** Under a failed message: why, a way to try again, and (for a peer) a way to find out why. */
export function FailedNote({
  reason,
  onRetry,
  onDiagnose,
}: {
  reason: string;
  onRetry: () => void;
  onDiagnose?: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="msg-failed">
      <span>
        {t('message.failed')}: {reason}
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

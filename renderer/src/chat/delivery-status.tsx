import { useTranslation } from 'react-i18next';
import type { DeliveryState, FailureCode } from '../../../shared/model';
import { peerLabel } from '../../../shared/text/hidden-chars';
import { AlertIcon, CheckIcon, ClockIcon } from '../ui/icons';
import { PeerText } from '../ui/peer-text';

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
          title={peerLabel(delivery.reason)}
        >
          <AlertIcon size={14} />
        </span>
      );
  }
}

/**
 * The engine's reasons are English sentences with the details (attempts, the character an
 * encoding lacks, the OS error). People read the reason in their own language, by its code,
 * with the details kept where they matter and the engine's sentence as the tooltip.
 */
export function failureText(
  t: (key: string, options?: Record<string, string>) => string,
  code: FailureCode,
  reason: string,
): string {
  if (code === 'encoding') {
    const m = /in ([A-Z0-9-]+): .*cannot represent (".*" \(U\+[0-9A-F]+\))/.exec(reason);
    if (m) return t('message.reason.encodingChar', { encoding: m[1] ?? '', character: m[2] ?? '' });
  }
  const detail = reason.includes(': ') ? reason.slice(reason.lastIndexOf(': ') + 2) : reason;
  return t(`message.reason.${code}`, { detail });
}

/** Under a failed message: why, a way to try again, and (for a peer) a way to find out why. */
export function FailedNote({
  code,
  reason,
  onRetry,
  onDiagnose,
}: {
  code: FailureCode;
  reason: string;
  onRetry: () => void;
  onDiagnose?: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="msg-failed">
      {/* The engine's sentences quote the peer's nick and the OS's errors. */}
      <span title={peerLabel(reason)}>
        {t('message.failed')}: <PeerText text={failureText(t, code, reason)} mode="text" />
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

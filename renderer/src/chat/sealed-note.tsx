import { useTranslation } from 'react-i18next';
import type { ChatMessage } from '../../../shared/model';
import { openSealed, useApp } from '../store/app-store';
import { formatTime } from '../ui/format';

/** A sealed message that arrived and is not opened yet: its text waits behind a button. */
export function SealedBody({ message }: { message: ChatMessage }) {
  const { t } = useTranslation();
  return (
    <p className="sealed-body">
      <span>{t('sealed.closed')}</span>{' '}
      <button type="button" className="button" onClick={() => void openSealed(message.id)}>
        {t('sealed.open')}
      </button>
    </p>
  );
}

/**
 * Under a sealed message of ours: opened (when), or not yet; and for iptux, which shows sealed
 * messages as ordinary ones and never says it opened them, a note saying so.
 */
export function SealedStatus({ message }: { message: ChatMessage }) {
  const { t, i18n } = useTranslation();
  const client = useApp((s) => s.peers.get(message.peerId)?.client);
  if (!message.sealed) return null;
  const { openedAt } = message.sealed;
  if (message.direction === 'in')
    return openedAt === null ? null : <p className="sealed-status">{t('sealed.openedByYou')}</p>;
  return (
    <p className="sealed-status">
      {openedAt === null
        ? t('sealed.notOpened')
        : t('sealed.opened', { time: formatTime(openedAt, i18n.language) })}
      {client === 'iptux' && <span className="sealed-iptux"> {t('sealed.iptux')}</span>}
    </p>
  );
}

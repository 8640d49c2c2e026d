import { useTranslation } from 'react-i18next';
import type { Transfer } from '../../../shared/model';
import { acceptTransfers, declineTransfers, useApp } from '../store/app-store';
import { TransferItem } from './transfer-item';
import { awaitingAnswer } from './transfers-state';

/** The files a message offers, in its bubble; several offered to us can be answered at once. */
export function MessageFiles({ ids, peerId }: { ids: readonly string[]; peerId: string }) {
  const { t } = useTranslation();
  const all = useApp((s) => s.transfers);
  const peer = useApp((s) => s.peers.get(peerId));
  const transfers = ids.flatMap((id) => {
    const found = all.get(id);
    return found ? [found] : [];
  });
  const open: Transfer[] = awaitingAnswer(transfers);
  return (
    <div className="msg-files" role="list" aria-label={t('files.offerLabel')}>
      {transfers.map((tr) => (
        <div role="listitem" key={tr.id}>
          <TransferItem transfer={tr} peer={peer} />
        </div>
      ))}
      {/* The message can come before its transfers (they are told right after it). */}
      {transfers.length < ids.length && (
        <p className="msg-files-pending">{t('files.unknownTransfer')}</p>
      )}
      {open.length > 1 && (
        <div className="transfer-actions transfer-actions-all">
          <button
            type="button"
            className="button button-primary button-small"
            onClick={() => void acceptTransfers(open.map((x) => x.id))}
          >
            {t('files.acceptAll', { count: open.length })}
          </button>
          <button
            type="button"
            className="button button-secondary button-small"
            onClick={() => void declineTransfers(open.map((x) => x.id))}
          >
            {t('files.declineAll')}
          </button>
        </div>
      )}
    </div>
  );
}

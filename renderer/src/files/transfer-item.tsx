import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Peer, Transfer } from '../../../shared/model';
import { peerLabel } from '../../../shared/text/hidden-chars';
import { failureText } from '../chat/delivery-status';
import {
  acceptTransfers,
  acceptTransfersInto,
  cancelTransfer,
  declineTransfers,
  openTransfer,
  retryTransfer,
  useApp,
} from '../store/app-store';
import { formatBytes, percent } from '../ui/format-size';
import { FileIcon, FolderIcon } from '../ui/icons';
import { PeerText } from '../ui/peer-text';
import { cancellable } from './transfers-state';
import { progressLine, stateWord } from './transfer-status';
import './transfers.css';

/**
 * One offered file or folder, either way, in a bubble or in the transfers view: what it is, how
 * far it got, why it stopped, and what the person can do about it. The name is the peer's: shown
 * with its hidden characters marked, never trusted as a path.
 */
export const TransferItem = memo(function TransferItem({
  transfer,
  peer,
}: {
  transfer: Transfer;
  peer: Peer | undefined;
}) {
  const { t, i18n } = useTranslation();
  const electron = useApp((s) => s.info?.shell === 'electron');
  const { item, state } = transfer;
  const Icon = item.kind === 'folder' ? FolderIcon : FileIcon;
  const incoming = transfer.direction === 'in';
  const stopped = state.state === 'interrupted' || state.state === 'failed' ? state : null;
  const moving = state.state === 'transferring' || state.state === 'waiting' || stopped;
  const size = item.size >= 0 ? formatBytes(item.size) : t('files.sizeUnknown');
  const downloadUrl =
    !electron && incoming && state.state === 'done' && item.kind === 'file'
      ? window.pigeonFiles?.downloadUrl?.(transfer.id)
      : undefined;

  return (
    <div
      className={`transfer transfer-${state.state}`}
      data-transfer={transfer.id}
      aria-label={peerLabel(item.name)}
      role="group"
    >
      <span className="transfer-icon" role="img" aria-label={t(`files.${item.kind}`)}>
        <Icon size={26} />
      </span>
      <div className="transfer-body">
        <PeerText className="transfer-name" text={item.name} title={peerLabel(item.name)} />
        <span className="transfer-meta">
          <span>{size}</span>
          <span className="transfer-state">{stateWord(t, transfer)}</span>
          {state.state === 'done' && transfer.verified === 'hash' && (
            <span>{t('files.verifiedHash')}</span>
          )}
        </span>
        {moving && (
          <>
            {item.size > 0 && (
              <progress
                className="transfer-bar"
                max={100}
                value={percent(transfer.bytes, item.size)}
                aria-label={peerLabel(item.name)}
              />
            )}
            <span className="transfer-progress">{progressLine(t, transfer, i18n.language)}</span>
          </>
        )}
        {stopped && (
          <span className="transfer-reason" role="note">
            <PeerText text={failureText(stopped, i18n.language)} mode="text" />
          </span>
        )}
        {state.state === 'declined' && incoming && peer?.client === 'iptux' && (
          <span className="transfer-note">{t('files.iptuxDecline')}</span>
        )}
        <div className="transfer-actions">
          {incoming && state.state === 'offered' && (
            <>
              <button
                type="button"
                className="button button-primary button-small"
                onClick={() => void acceptTransfers([transfer.id])}
              >
                {t('files.accept')}
              </button>
              {electron && (
                <button
                  type="button"
                  className="button button-secondary button-small"
                  onClick={() => void acceptTransfersInto([transfer.id])}
                >
                  {t('files.saveTo')}
                </button>
              )}
              <button
                type="button"
                className="button button-secondary button-small"
                title={peer?.client === 'iptux' ? t('files.iptuxDecline') : undefined}
                onClick={() => void declineTransfers([transfer.id])}
              >
                {t('files.decline')}
              </button>
            </>
          )}
          {incoming && stopped && (
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() => void retryTransfer(transfer.id)}
            >
              {t('files.retry')}
            </button>
          )}
          {incoming && state.state === 'done' && electron && (
            <>
              <button
                type="button"
                className="button button-secondary button-small"
                onClick={() => void openTransfer(transfer.id, false)}
              >
                {t('files.open')}
              </button>
              <button
                type="button"
                className="link-button"
                onClick={() => void openTransfer(transfer.id, true)}
              >
                {t('files.reveal')}
              </button>
            </>
          )}
          {downloadUrl && (
            <a className="button button-secondary button-small" href={downloadUrl} download>
              {t('files.download')}
            </a>
          )}
          {cancellable(transfer) && (
            <button
              type="button"
              className="link-button"
              onClick={() => void cancelTransfer(transfer.id)}
            >
              {t('files.cancel')}
            </button>
          )}
        </div>
      </div>
    </div>
  );
});

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { peerLabel } from '../../../shared/text/hidden-chars';
import { useApp } from '../store/app-store';
import { PeerText } from '../ui/peer-text';
import { TransferItem } from './transfer-item';
import { transfersNewestFirst, type TransferFilter } from './transfers-state';
import './transfers.css';

const FILTERS: readonly TransferFilter[] = ['all', 'active', 'done', 'failed'];

/** Every transfer this Pigeon knows, either way, newest first, with the bubbles' own rows. */
export function TransfersView() {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<TransferFilter>('all');
  const transfers = useApp((s) => s.transfers);
  const peers = useApp((s) => s.peers);
  const list = transfersNewestFirst(transfers, filter);
  return (
    <section className="transfers-view" aria-label={t('transfers.title')}>
      <header className="transfers-header">
        <h1>{t('transfers.title')}</h1>
        <div className="transfers-filters" role="group" aria-label={t('transfers.filterLabel')}>
          {FILTERS.map((f) => (
            <button
              key={f}
              type="button"
              className="button button-secondary button-small"
              aria-pressed={filter === f}
              onClick={() => setFilter(f)}
            >
              {t(`transfers.${f}`)}
            </button>
          ))}
        </div>
      </header>
      {list.length === 0 ? (
        <div className="transfers-empty">
          <p>{transfers.size === 0 ? t('transfers.empty') : t('transfers.emptyFilter')}</p>
          {transfers.size === 0 && <p>{t('transfers.emptyHint')}</p>}
        </div>
      ) : (
        <ul className="transfers-list" aria-label={t('transfers.listLabel')}>
          {list.map((tr) => {
            const peer = peers.get(tr.peerId);
            const nick = peer?.nick || tr.peerId;
            return (
              <li key={tr.id} className="transfers-row">
                <span className="transfers-row-peer" title={peerLabel(nick)}>
                  {tr.direction === 'in' ? t('transfers.from') : t('transfers.to')}{' '}
                  <PeerText text={nick} />
                </span>
                <TransferItem transfer={tr} peer={peer} />
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

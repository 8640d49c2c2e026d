import type { TFunction } from 'i18next';
import type { Transfer } from '../../../shared/model';
import { formatBytes, formatDuration, formatRate, secondsLeft } from '../ui/format-size';

/** The short word for a transfer's state, as the row shows it after the size. */
export function stateWord(t: TFunction, transfer: Transfer): string {
  const s = transfer.state;
  const out = transfer.direction === 'out';
  switch (s.state) {
    case 'offered':
      return out ? t('files.offeredOut') : t('files.offeredIn');
    case 'waiting':
      return t('files.waiting');
    case 'transferring':
      return t('files.transferring');
    case 'interrupted':
      return t('files.interrupted');
    case 'done':
      return out ? t('files.doneOut') : t('files.done');
    case 'declined':
      return out ? t('files.declinedOut') : t('files.declined');
    case 'cancelled':
      return s.by === 'peer' ? t('files.cancelledByPeer') : t('files.cancelledByUs');
    case 'expired':
      return t('files.expired');
    case 'failed':
      return t('files.failed');
  }
}

/** "1.5 MB of 4 MB · 2.1 MB/s · 2 s left" while bytes move (rate and time only when known). */
export function progressLine(t: TFunction, transfer: Transfer, lang: string): string {
  const { bytes, item, rate } = transfer;
  const done = formatBytes(bytes);
  const parts = [
    item.size >= 0
      ? t('files.progress', { done, total: formatBytes(item.size) })
      : transfer.files !== undefined
        ? t('files.progressFiles', { done, count: transfer.files })
        : done,
  ];
  if (transfer.state.state === 'transferring' && rate !== undefined && rate > 0) {
    parts.push(formatRate(rate));
    const left = secondsLeft(bytes, item.size, rate);
    if (left !== undefined) parts.push(t('files.timeLeft', { time: formatDuration(left, lang) }));
  }
  return parts.join(' · ');
}

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { deleteHistory, notify } from '../store/app-store';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { TrashIcon } from '../ui/icons';

/**
 * The history kept on this computer, and "Delete all history". The dialog names what goes and
 * what stays as electron/engine/history (store.ts deleteAll, handlers.ts) does it: messages,
 * full-text index, duplicate filter and remembered peers go, the outbox is emptied; transfers'
 * record and files on disk stay. The engine answers once the file has been rebuilt without them
 * (VACUUM), which takes a while on a big history: the dialog says so until then.
 */
export function HistorySection() {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  return (
    <section className="card" aria-labelledby="settings-history">
      <h2 id="settings-history">{t('history.settingsTitle')}</h2>
      <p className="card-note">{t('history.settingsBody')}</p>
      <div>
        <button type="button" className="button button-danger" onClick={() => setConfirming(true)}>
          <TrashIcon size={16} />
          {t('history.deleteAll')}
        </button>
      </div>
      {confirming && (
        <ConfirmDialog
          title={t('history.deleteAllTitle')}
          description={t('history.deleteAllBody')}
          confirmLabel={t('history.deleteAllConfirm')}
          busyLabel={t('history.deletingAll')}
          action={() => deleteHistory({ all: true })}
          onCancel={() => setConfirming(false)}
          onDone={({ deleted }) => {
            setConfirming(false);
            notify('info', t('history.deletedAll', { count: deleted }));
          }}
        >
          <p className="confirm-list-title">{t('history.deleteAllGoes')}</p>
          <ul className="confirm-list">
            <li>{t('history.deleteAllGoesMessages')}</li>
            <li>{t('history.deleteAllGoesIndex')}</li>
            <li>{t('history.deleteAllGoesDuplicates')}</li>
            <li>{t('history.deleteAllGoesPeers')}</li>
            <li>{t('history.deleteAllGoesOutbox')}</li>
          </ul>
          <p className="confirm-list-title">{t('history.deleteAllStays')}</p>
          <ul className="confirm-list">
            <li>{t('history.deleteAllStaysFiles')}</li>
            <li>{t('history.deleteAllStaysSettings')}</li>
          </ul>
        </ConfirmDialog>
      )}
    </section>
  );
}

import { useTranslation } from 'react-i18next';
import { dismissNotice, useApp } from '../store/app-store';
import { AlertIcon, CheckIcon, CloseIcon } from '../ui/icons';
import { PeerText } from '../ui/peer-text';
import './notices.css';

/** Short-lived messages (a failed request, "settings saved") in the top corner, below any banner. */
export function Notices() {
  const { t } = useTranslation();
  const notices = useApp((s) => s.notices);
  return (
    <div className="notices" role="status" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.kind}`}>
          {n.kind === 'error' ? <AlertIcon size={18} /> : <CheckIcon size={18} />}
          <p>
            {/* Errors from the engine may quote what a peer sent. */}
            <PeerText text={n.text} mode="text" />
          </p>
          <button
            type="button"
            className="icon-button"
            aria-label={t('notice.dismiss')}
            onClick={() => dismissNotice(n.id)}
          >
            <CloseIcon size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}

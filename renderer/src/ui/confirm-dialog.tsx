import { useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Result } from '../../../shared/contract';
import { Dialog } from './dialog';
import './confirm-dialog.css';

/**
 * "Are you sure?" for what cannot be undone, on the shared Dialog (focus trapped, given back).
 * While the action runs its button says so and nothing else can be pressed; a failure stays in
 * the dialog with the engine's own words, so the person can try again or cancel.
 */
export function ConfirmDialog<T>({
  title,
  description,
  children,
  confirmLabel,
  busyLabel,
  action,
  onDone,
  onCancel,
}: {
  title: string;
  description: string;
  children?: ReactNode;
  confirmLabel: string;
  busyLabel: string;
  action: () => Promise<Result<T>>;
  onDone: (value: T) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    let result: Result<T>;
    try {
      result = await action();
    } catch (e) {
      result = { ok: false, error: { code: 'internal', message: String(e) } };
    }
    if (result.ok) {
      onDone(result.value);
      return;
    }
    setBusy(false);
    setError(result.error.message);
  };
  return (
    <Dialog
      title={title}
      description={description}
      closeLabel={t('history.cancel')}
      onClose={() => {
        if (!busy) onCancel();
      }}
    >
      {children}
      {error && (
        <p className="confirm-error" role="alert">
          {t('history.failed', { error })}
        </p>
      )}
      <div className="dialog-actions" aria-busy={busy}>
        <button
          type="button"
          className="button button-secondary"
          disabled={busy}
          onClick={onCancel}
        >
          {t('history.cancel')}
        </button>
        <button
          type="button"
          className="button button-danger"
          disabled={busy}
          // Not focused on open (the dialog's first control is): Enter alone never destroys.
          onClick={() => void run()}
        >
          {busy ? busyLabel : confirmLabel}
        </button>
      </div>
      {busy && (
        <p className="visually-hidden" role="status">
          {busyLabel}
        </p>
      )}
    </Dialog>
  );
}

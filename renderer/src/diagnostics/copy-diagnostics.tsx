import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { notify } from '../store/app-store';
import { Dialog } from '../ui/dialog';
import { copyDiagnostics, setRedact, useEcho } from './echo-store';

/**
 * "Copy diagnostics": the text bundle maintainers ask for, on the clipboard, addresses redacted
 * unless the person unticks it. Where the clipboard refuses (no focus, no permission), the text
 * is shown selected in a dialog to copy by hand.
 */
export function CopyDiagnostics() {
  const { t } = useTranslation();
  const redact = useEcho((s) => s.redact);
  const [busy, setBusy] = useState(false);
  const [manual, setManual] = useState<string | null>(null);
  return (
    <div className="copy-diagnostics">
      <label className="check">
        <input type="checkbox" checked={redact} onChange={(e) => setRedact(e.target.checked)} />
        <span>{t('diag.redact')}</span>
      </label>
      <button
        type="button"
        className="button button-secondary"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void copyDiagnostics().then((r) => {
            setBusy(false);
            if (r && !r.copied) setManual(r.text);
          });
        }}
      >
        <CopyGlyph />
        {t('diag.copy')}
      </button>
      {manual !== null && <ManualCopy text={manual} onClose={() => setManual(null)} />}
    </div>
  );
}

function ManualCopy({ text, onClose }: { text: string; onClose: () => void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => ref.current?.select(), []);
  return (
    <Dialog
      title={t('diag.manualTitle')}
      description={t('diag.manualBody')}
      onClose={onClose}
      closeLabel={t('diag.close')}
      wide
    >
      <textarea
        ref={ref}
        className="input textarea bundle-text"
        readOnly
        rows={14}
        value={text}
        aria-label={t('diag.bundleLabel')}
      />
      <div className="dialog-actions">
        <button type="button" className="button button-secondary" onClick={onClose}>
          {t('diag.close')}
        </button>
        <button
          type="button"
          className="button button-primary"
          onClick={() => {
            ref.current?.select();
            // A fresh click is a user gesture, which the old copy command still honours.
            if (document.execCommand('copy')) {
              notify('info', t('diag.copied'));
              onClose();
            }
          }}
        >
          {t('diag.copy')}
        </button>
      </div>
    </Dialog>
  );
}

function CopyGlyph() {
  return (
    <svg
      width="15"
      height="15"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <rect x="8" y="8" width="12" height="12" rx="2" />
      <path d="M16 8V6a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h2" />
    </svg>
  );
}

import { useEffect, useId, useRef } from 'react';
import type { ReactNode } from 'react';
import { wrapTab } from './focus-trap';
import { CloseIcon } from './icons';
import './dialog.css';

interface DialogProps {
  title: string;
  description?: string;
  onClose: () => void;
  children: ReactNode;
  closeLabel: string;
  wide?: boolean;
}

/**
 * A modal on the native <dialog>: the page behind is inert, Escape and the backdrop close it; Tab
 * wraps inside it (focus-trap.ts) and focus returns to the opener when it closes.
 */
export function Dialog({ title, description, onClose, children, closeLabel, wide }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descId = useId();
  useEffect(() => {
    const dialog = ref.current;
    // Focus goes back where it was when the dialog opened (the button that opened it): the
    // native restore does not run when React removes an open dialog from the page.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      dialog?.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={`dialog${wide ? ' dialog-wide' : ''}`}
      aria-labelledby={titleId}
      aria-describedby={description ? descId : undefined}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        if (e.target === ref.current) onClose();
      }}
      onKeyDown={(e) => {
        if (ref.current) wrapTab(e, ref.current);
      }}
    >
      <div className="dialog-body">
        <header className="dialog-header">
          <h2 id={titleId}>{title}</h2>
          <button
            type="button"
            className="icon-button"
            aria-label={closeLabel}
            title={closeLabel}
            onClick={onClose}
          >
            <CloseIcon size={16} />
          </button>
        </header>
        {description && (
          <p id={descId} className="dialog-description">
            {description}
          </p>
        )}
        {children}
      </div>
    </dialog>
  );
}

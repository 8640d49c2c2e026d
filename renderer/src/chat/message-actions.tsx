import { useCallback, useRef, useState } from 'react';
import type { KeyboardEvent, MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatMessage } from '../../../shared/model';
import { deleteHistory, notify, pinMessage } from '../store/app-store';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { CopyIcon, MoreIcon, PinIcon, TrashIcon } from '../ui/icons';
import { Menu } from '../ui/menu';
import { copyable } from './message-copy';
import type { MenuAnchor, MenuItem } from '../ui/menu';

/** The shortcuts that open a context menu from the keyboard. */
export function isMenuKey(e: KeyboardEvent): boolean {
  return e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey);
}

/**
 * A message's actions: Copy text, Pin / Unpin, Delete (after a confirmation). The "⋯" button
 * shows on hover and focus; the menu also opens on a right-click on the message and from the
 * keyboard (the context menu key, Shift+F10). `tabbable`: this message's button is the one the
 * conversation's Tab stop lands on (the arrows move it, message-list.tsx).
 */
export function useMessageActions(message: ChatMessage, tabbable: boolean) {
  const { t } = useTranslation();
  const button = useRef<HTMLButtonElement>(null);
  const [anchor, setAnchor] = useState<MenuAnchor | null>(null);
  const [confirming, setConfirming] = useState(false);

  const close = useCallback((refocus: boolean) => {
    setAnchor(null);
    if (refocus) button.current?.focus();
  }, []);
  const openAtButton = () => {
    if (button.current) setAnchor({ element: button.current });
  };

  const items: MenuItem[] = [];
  if (copyable(message))
    items.push({
      key: 'copy',
      label: t('history.copy'),
      icon: <CopyIcon size={16} />,
      onSelect: () => {
        navigator.clipboard.writeText(message.text).then(
          () => notify('info', t('history.copied')),
          (e: unknown) => notify('error', t('history.copyFailed', { error: String(e) })),
        );
      },
    });
  items.push({
    key: 'pin',
    label: message.pinned ? t('history.unpin') : t('history.pin'),
    hint: message.pinned ? undefined : t('history.pinHint'),
    icon: <PinIcon size={16} />,
    onSelect: () => {
      const pinned = !message.pinned;
      void pinMessage(message, pinned).then((done) => {
        if (done) notify('info', pinned ? t('history.pinned') : t('history.unpinned'));
      });
    },
  });
  items.push({
    key: 'delete',
    label: t('history.delete'),
    icon: <TrashIcon size={16} />,
    danger: true,
    onSelect: () => setConfirming(true),
  });

  const onKeyDown = (e: KeyboardEvent) => {
    // Events from the dialog bubble here too (React's tree): not while it is open.
    if (!isMenuKey(e) || anchor || confirming) return;
    e.preventDefault();
    openAtButton();
  };
  const onContextMenu = (e: MouseEvent) => {
    // Over words the person selected, the system's menu (Copy, Look up…) is what they want.
    const selected = window.getSelection();
    if (
      selected &&
      !selected.isCollapsed &&
      selected.toString().trim() &&
      e.currentTarget.contains(selected.anchorNode)
    )
      return;
    e.preventDefault();
    if (anchor || confirming) return;
    // From the keyboard (no pointer position): under the button, as its own key opens it.
    if (e.clientX === 0 && e.clientY === 0) openAtButton();
    else setAnchor({ x: e.clientX, y: e.clientY });
  };

  const trigger = (
    <button
      ref={button}
      type="button"
      className={`icon-button msg-actions-button${anchor ? ' is-open' : ''}`}
      data-message-id={message.id}
      tabIndex={tabbable ? 0 : -1}
      aria-label={t('history.messageActions')}
      title={t('history.messageActions')}
      aria-haspopup="menu"
      aria-expanded={anchor !== null}
      onClick={() => (anchor ? close(false) : openAtButton())}
    >
      <MoreIcon size={16} />
    </button>
  );

  const overlays = (
    <>
      {anchor && (
        <Menu label={t('history.messageActions')} items={items} anchor={anchor} onClose={close} />
      )}
      {confirming && (
        <ConfirmDialog
          title={t('history.deleteMessageTitle')}
          description={t('history.deleteMessageBody')}
          confirmLabel={t('history.deleteConfirm')}
          busyLabel={t('history.deleting')}
          action={() => deleteHistory({ messageId: message.id })}
          onCancel={() => setConfirming(false)}
          onDone={() => {
            const log = button.current?.closest<HTMLElement>('[role="log"]') ?? null;
            setConfirming(false);
            notify('info', t('history.messageDeleted'));
            focusAfterDelete(log);
          }}
        >
          {message.delivery?.state === 'outbox' && <p>{t('history.deleteMessageOutbox')}</p>}
        </ConfirmDialog>
      )}
    </>
  );

  return { trigger, overlays, onKeyDown, onContextMenu };
}

/**
 * The message and its button are gone: focus goes to the conversation (the log, or the composer
 * when nothing is left), after the dialog has closed and handed focus back to nothing.
 */
function focusAfterDelete(log: HTMLElement | null): void {
  requestAnimationFrame(() => {
    const target =
      log?.isConnected === true
        ? log
        : document.querySelector<HTMLElement>('.messages[role="log"], .composer textarea');
    target?.focus();
  });
}

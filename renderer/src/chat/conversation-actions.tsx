import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HistoryExportFormat } from '../../../shared/model';
import { deleteHistory, exportHistory, notify } from '../store/app-store';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { DownloadIcon, MoreIcon, TrashIcon } from '../ui/icons';
import { Menu } from '../ui/menu';
import type { MenuAnchor, MenuItem } from '../ui/menu';
import { exportFileName, saveDownload } from './export-file';

const FORMATS: readonly {
  format: HistoryExportFormat;
  key: 'exportText' | 'exportHtml' | 'exportJson';
}[] = [
  { format: 'text', key: 'exportText' },
  { format: 'html', key: 'exportHtml' },
  { format: 'json', key: 'exportJson' },
];

/**
 * The conversation's menu in its header: export it (text, HTML, JSON: the engine writes the
 * file's text, the page saves it as a download) or delete it, after a confirmation. `name` is
 * what the person calls the peer (a peerLabel: hidden characters shown), for the file and the
 * dialog.
 */
export function ConversationActions({ peerId, name }: { peerId: string; name: string }) {
  const { t } = useTranslation();
  const button = useRef<HTMLButtonElement>(null);
  const [anchor, setAnchor] = useState<MenuAnchor | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [exporting, setExporting] = useState(false);
  const close = useCallback((refocus: boolean) => {
    setAnchor(null);
    if (refocus) button.current?.focus();
  }, []);

  const runExport = async (format: HistoryExportFormat) => {
    if (exporting) return;
    setExporting(true);
    try {
      const result = await exportHistory(peerId, format);
      if (!result.ok) {
        notify('error', t('history.exportFailed', { error: result.error.message }));
        return;
      }
      const file = exportFileName(name, format, new Date());
      saveDownload(result.value.text, file, format);
      notify('info', t('history.exported', { file }));
    } finally {
      setExporting(false);
    }
  };

  const items: MenuItem[] = FORMATS.map(({ format, key }) => ({
    key: format,
    label: t(`history.${key}`),
    icon: <DownloadIcon size={16} />,
    onSelect: () => void runExport(format),
  }));
  items.push({
    key: 'delete',
    label: t('history.deleteConversation'),
    icon: <TrashIcon size={16} />,
    danger: true,
    onSelect: () => setConfirming(true),
  });

  const label = t('history.conversationActions');
  return (
    <>
      <button
        ref={button}
        type="button"
        className="icon-button header-menu-button"
        aria-label={exporting ? t('history.exporting') : label}
        title={exporting ? t('history.exporting') : label}
        aria-haspopup="menu"
        aria-expanded={anchor !== null}
        aria-busy={exporting}
        onClick={() => {
          if (anchor) close(false);
          else if (button.current) setAnchor({ element: button.current });
        }}
      >
        <MoreIcon size={18} />
      </button>
      {anchor && <Menu label={label} items={items} anchor={anchor} onClose={close} />}
      {confirming && (
        <ConfirmDialog
          title={t('history.deleteConversationTitle', { name })}
          description={t('history.deleteConversationBody', { name })}
          confirmLabel={t('history.deleteConfirm')}
          busyLabel={t('history.deleting')}
          action={() => deleteHistory({ peerId })}
          onCancel={() => setConfirming(false)}
          onDone={({ deleted }) => {
            setConfirming(false);
            notify('info', t('history.conversationDeleted', { count: deleted }));
          }}
        />
      )}
    </>
  );
}

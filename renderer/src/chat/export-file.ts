import type { HistoryExportFormat } from '../../../shared/model';

const EXTENSION: Record<HistoryExportFormat, string> = { text: 'txt', html: 'html', json: 'json' };
const TYPE: Record<HistoryExportFormat, string> = {
  text: 'text/plain;charset=utf-8',
  html: 'text/html;charset=utf-8',
  json: 'application/json;charset=utf-8',
};
const NAME_MAX = 40;

/**
 * `pigeon-<nick>-<YYYY-MM-DD>.<ext>`, the date local. The nick is a peer's: control, format
 * (bidi) and separator characters and what file systems refuse go, so a nick cannot turn the
 * name around (an "lmth.exe" behind U+202E), reach another folder, or be a hidden file.
 */
export function exportFileName(nick: string, format: HistoryExportFormat, at: Date): string {
  const safe = [...nick.replace(/[\p{C}\p{Z}<>:"/\\|?*]+/gu, '-')]
    .slice(0, NAME_MAX)
    .join('')
    .replace(/^[-.]+|[-.]+$/g, '');
  const day = [at.getFullYear(), at.getMonth() + 1, at.getDate()]
    .map((n) => String(n).padStart(2, '0'))
    .join('-');
  return `pigeon-${safe || 'conversation'}-${day}.${EXTENSION[format]}`;
}

/**
 * Saves text as a file through the page's own download (a Blob link): the browser host's
 * browser saves it as it saves any download, Electron asks where with its save dialog.
 */
export function saveDownload(text: string, fileName: string, format: HistoryExportFormat): void {
  const url = URL.createObjectURL(new Blob([text], { type: TYPE[format] }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has read the Blob long before; the URL must not keep it alive for ever.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

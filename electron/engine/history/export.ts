import type { ChatMessage, HistoryExportFormat } from '../../../shared/model';
import { outcomeText } from '../../../shared/model/texts';
import { codePointLabel, replaceHidden } from '../../../shared/text/hidden-chars';

/** Who the conversation is with, and what we call ourselves, for the export's lines. */
export interface ExportNames {
  peerId: string;
  peer: string;
  me: string;
}

/**
 * A conversation as a file a person keeps: text (one line per message, hidden and bidi
 * characters written out so a pasted text cannot disguise itself), HTML (everything a peer
 * wrote escaped: a message is never markup) or JSON (the contract's ChatMessage, one array).
 */
export function exportConversation(
  messages: Iterable<ChatMessage>,
  names: ExportNames,
  format: HistoryExportFormat,
): string {
  if (format === 'json') return `${JSON.stringify([...messages], null, 2)}\n`;
  const lines: string[] = [];
  const who = (m: ChatMessage) => (m.direction === 'out' ? names.me : names.peer);
  if (format === 'text') {
    lines.push(`# ${visible(names.peer)} (${names.peerId})`);
    for (const m of messages)
      lines.push(
        `[${stamp(m.at)}] ${visible(who(m))}: ${visible(bodyOf(m)).replace(/\n/g, '\n    ')}`,
      );
    return `${lines.join('\n')}\n`;
  }
  lines.push(
    '<!doctype html>',
    '<html><head><meta charset="utf-8">',
    `<title>${escapeHtml(names.peer)}</title>`,
    '<style>body{font-family:sans-serif;max-width:48em;margin:2em auto}' +
      '.m{margin:.5em 0}.t{color:#666;font-size:.85em}.out .w{color:#06c}' +
      'p{white-space:pre-wrap;margin:.2em 0;unicode-bidi:plaintext}</style>',
    '</head><body>',
    `<h1>${escapeHtml(names.peer)} <small>${escapeHtml(names.peerId)}</small></h1>`,
  );
  for (const m of messages) {
    lines.push(
      `<div class="m ${m.direction}"><span class="t">${escapeHtml(stamp(m.at))}</span> ` +
        `<b class="w">${escapeHtml(visible(who(m)))}</b><p>${escapeHtml(visible(bodyOf(m)))}</p></div>`,
    );
  }
  lines.push('</body></html>');
  return `${lines.join('\n')}\n`;
}

function bodyOf(m: ChatMessage): string {
  // A notice (an address change) has no text of its own: its sentence, escaped like peer text.
  if (m.notice) return `[notice] ${outcomeText(m.notice, 'en')}`;
  let text = m.text;
  if (m.undecodable) text = `[undecodable ${m.undecodable.encoding}: ${m.undecodable.rawBase64}]`;
  if (m.files?.length) text += `${text ? ' ' : ''}[files: ${m.files.length}]`;
  if (m.delivery?.state === 'failed') text += ` [not delivered: ${m.delivery.code}]`;
  if (m.delivery?.state === 'redirected') text += ` [sent instead to ${m.delivery.params.to}]`;
  return text;
}

/** Hidden and bidi characters as ⟨U+202E⟩; line breaks and tabs stay. */
function visible(text: string): string {
  return replaceHidden(text, 'text', (cp) => `⟨${codePointLabel(cp)}⟩`);
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** Local time, to the second, as people read it: 2026-12-07 09:30:05. */
function stamp(at: number): string {
  const d = new Date(at);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

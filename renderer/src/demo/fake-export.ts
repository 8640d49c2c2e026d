import type { ChatMessage, HistoryExportFormat } from '../../../shared/model';

/**
 * The demo's history:export: the engine's three shapes (electron/engine/history/export.ts, which
 * the renderer may not import), simpler, with the HTML just as escaped: a demo export of a
 * message holding markup must stay text too.
 */
export function fakeExport(
  messages: readonly ChatMessage[],
  names: { peerId: string; peer: string; me: string },
  format: HistoryExportFormat,
): string {
  if (format === 'json') return `${JSON.stringify(messages, null, 2)}\n`;
  const who = (m: ChatMessage) => (m.direction === 'out' ? names.me : names.peer);
  const when = (m: ChatMessage) => new Date(m.at).toISOString().replace('T', ' ').slice(0, 19);
  if (format === 'text')
    return `${[
      `# ${names.peer} (${names.peerId})`,
      ...messages.map((m) => `[${when(m)}] ${who(m)}: ${m.text.replace(/\n/g, '\n    ')}`),
    ].join('\n')}\n`;
  return `${[
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(names.peer)}</title></head><body>`,
    `<h1>${escapeHtml(names.peer)} <small>${escapeHtml(names.peerId)}</small></h1>`,
    ...messages.map(
      (m) =>
        `<div class="m ${m.direction}"><span class="t">${when(m)}</span> ` +
        `<b>${escapeHtml(who(m))}</b><p>${escapeHtml(m.text)}</p></div>`,
    ),
    '</body></html>',
  ].join('\n')}\n`;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** Unsent text per conversation, kept while the window lives (switching chats keeps a draft). */
const drafts = new Map<string, string>();

export function getDraft(id: string): string {
  return drafts.get(id) ?? '';
}

export function setDraft(id: string, text: string): void {
  if (text) drafts.set(id, text);
  else drafts.delete(id);
}

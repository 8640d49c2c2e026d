import type { PickedItem, PigeonFiles, Result } from '../../shared/contract';
import { DOWNLOAD_PREFIX, STAGE_PATH } from './files-paths';

type Fetch = (
  input: string,
  init: { method: string; body: Blob; headers: Record<string, string> },
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

/**
 * The browser host's window.pigeonFiles: each file is uploaded on its own (one POST, streamed
 * to disk by the host), one after the other, and becomes a pick. The first refusal stops there
 * and says why, in the host's words.
 */
export function createUploadBridge(token: string, fetchFn: Fetch): PigeonFiles {
  const q = `token=${encodeURIComponent(token)}`;
  return Object.freeze({
    async stage(files: File[]): Promise<Result<PickedItem[]>> {
      const picks: PickedItem[] = [];
      for (const file of files) {
        let status = 0;
        let text: string;
        try {
          const res = await fetchFn(`${STAGE_PATH}?${q}&name=${encodeURIComponent(file.name)}`, {
            method: 'POST',
            body: file,
            headers: { 'Content-Type': 'application/octet-stream' },
          });
          status = res.status;
          text = await res.text();
          if (res.ok) {
            picks.push(JSON.parse(text) as PickedItem);
            continue;
          }
        } catch (e) {
          text = e instanceof Error ? e.message : String(e);
        }
        const why = text.trim() || `HTTP ${status}`;
        return { ok: false, error: { code: 'upload', message: `${file.name}: ${why}` } };
      }
      return { ok: true, value: picks };
    },
    downloadUrl: (transferId: string) => `${DOWNLOAD_PREFIX}${encodeURIComponent(transferId)}?${q}`,
  });
}

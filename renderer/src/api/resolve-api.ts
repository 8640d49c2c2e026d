import type { PigeonApi } from '../../../shared/contract';

export type ApiSource = { api: PigeonApi; fake: boolean } | { api: null; fake: false };

/**
 * The real API comes from the host (preload or bridge script). The in-memory fake is loaded only
 * when there is no host and the URL asks for it, and lives in its own chunk.
 */
export async function resolveApi(): Promise<ApiSource> {
  if (window.pigeon) return { api: window.pigeon, fake: false };
  const params = new URLSearchParams(window.location.search);
  if (params.get('fake') === '1') {
    const { createFakeApi } = await import('../dev/fake-api');
    return { api: createFakeApi(params), fake: true };
  }
  return { api: null, fake: false };
}

import { api } from './api';
import type { KeyWithSecret } from './types';

/**
 * The playground's key: made by the server for this session (an hour at
 * most, revoked when the session makes another or logs out) and held only
 * in this page's memory, never in storage. `key: null`: the server has no
 * keys at all, so callers need none.
 */
export interface PlaygroundKey {
  key: string | null;
  id: string | null;
  expiresAt: number;
  note: string | null;
}

let held: { csrf: string; key: PlaygroundKey } | undefined;

export async function playgroundKey(csrf: string, fresh = false): Promise<PlaygroundKey> {
  if (!fresh && held !== undefined && held.csrf === csrf && held.key.expiresAt - Date.now() > 60_000) return held.key;
  const made = await api<(KeyWithSecret | { key: null; expires_at?: undefined; id?: undefined }) & { note: string | null }>('POST', '/playground-key');
  const key: PlaygroundKey = {
    key: made.key,
    id: made.id ?? null,
    expiresAt: made.expires_at == null ? Date.now() + 3_600_000 : Date.parse(made.expires_at),
    note: made.note,
  };
  held = { csrf, key };
  return key;
}

// Reading API data in the field app: from the server when there is network, else what this phone
// kept from its last read (IndexedDB, cleared at sign-out).
import { api, NetworkError } from '@shared/api/client';
import { useField } from '../stores/field';
import { readThrough } from './db';

export interface Read<T> {
  value: T;
  /** Set when the value came from the phone, not the server: when it was read. */
  cachedAt: number | null;
}

export function readKept<T>(key: string, path: string): Promise<Read<T>> {
  const field = useField();
  return readThrough(field.me!.userId, key, () => api.get<T>(path), (err) => err instanceof NetworkError);
}

// The field app's IndexedDB: the outbox (submissions waiting for the network) and a small cache of
// what was last read (task list, person form, pass keys), so the app still shows something offline.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

export type OutboxState = 'pending' | 'sending' | 'sent' | 'failed';

export interface OutboxError {
  status: number;
  code: string;
  message: string;
  field?: string;
}

export interface OutboxPhoto {
  blob: Blob;
  /** Idempotency-Key of the upload; the photo's id once uploaded (a retry does not upload twice). */
  key: string;
  personId: number;
  uploadedId?: number;
}

export interface OutboxItem {
  id?: number;
  /** Owner: a phone shared by two workers sends each one's items with their own session only. */
  userId: number;
  kind: 'verification' | 'referral' | 'registration' | 'check' | 'status' | 'note' | 'scan' | 'checkpointRegistration';
  /** What the list shows: the person or place the submission is about. */
  subject: string;
  method: 'POST' | 'PATCH';
  path: string;
  body: Record<string, unknown>;
  /** Idempotency-Key: the same key and body are applied once, however often they are sent. */
  key: string;
  /** Set on the request as the named field (e.g. a check's photoId) once the photo is uploaded. */
  photo?: OutboxPhoto;
  photoField?: string;
  /** The form that made it, to edit a failed item. */
  editRoute?: string;
  state: OutboxState;
  error?: OutboxError;
  response?: unknown;
  attempts: number;
  createdAt: number;
  sentAt?: number;
}

interface CacheEntry {
  key: string;
  userId: number;
  at: number;
  value: unknown;
}

interface FieldDb extends DBSchema {
  outbox: { key: number; value: OutboxItem; indexes: { byUser: number } };
  cache: { key: string; value: CacheEntry };
}

let db: Promise<IDBPDatabase<FieldDb>> | undefined;

export function fieldDb(): Promise<IDBPDatabase<FieldDb>> {
  db ??= openDB<FieldDb>('gec-field', 1, {
    upgrade(d) {
      const outbox = d.createObjectStore('outbox', { keyPath: 'id', autoIncrement: true });
      outbox.createIndex('byUser', 'userId');
      d.createObjectStore('cache', { keyPath: 'key' });
    },
  });
  return db;
}

export async function cachePut(userId: number, key: string, value: unknown): Promise<void> {
  // A JSON copy: what is cached is API data, and Vue's reactive proxies cannot be cloned into IndexedDB.
  await (await fieldDb()).put('cache', { key: `${userId}:${key}`, userId, at: Date.now(), value: JSON.parse(JSON.stringify(value)) });
}

export async function cacheGet<T>(userId: number, key: string): Promise<{ value: T; at: number } | undefined> {
  const e = await (await fieldDb()).get('cache', `${userId}:${key}`);
  return e ? { value: e.value as T, at: e.at } : undefined;
}

/** On sign-out: what was read stays on the phone no longer than the session (the outbox stays: it is unsent work). */
export async function clearCache(): Promise<void> {
  await (await fieldDb()).clear('cache');
}

/**
 * Reads from the API and keeps the answer on the phone; without network, answers with what was kept
 * (and when it was read). Errors other than the network's are the caller's.
 */
export async function readThrough<T>(userId: number, key: string, read: () => Promise<T>, isOffline: (err: unknown) => boolean): Promise<{ value: T; cachedAt: number | null }> {
  try {
    const value = await read();
    void cachePut(userId, key, value).catch(() => undefined);
    return { value, cachedAt: null };
  } catch (err) {
    if (!isOffline(err)) throw err;
    const kept = await cacheGet<T>(userId, key);
    if (!kept) throw err;
    return { value: kept.value, cachedAt: kept.at };
  }
}

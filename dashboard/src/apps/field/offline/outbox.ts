// The outbox: every submission of the field app goes through it. Kept in IndexedDB with its
// Idempotency-Key, sent in order when the network is there, retried when it returns; an answer of
// 4xx marks the item failed with the server's message (edit or retry), nothing is ever dropped
// silently. Online, a form waits for its own item and shows the server's answer at once.
import { defineStore } from 'pinia';
import { computed, ref, toRaw } from 'vue';
import { ApiError, NetworkError, request } from '@shared/api/client';
import { fieldDb, type OutboxError, type OutboxItem } from './db';
import { blobToBase64 } from './photo';

export type NewItem = Omit<OutboxItem, 'id' | 'key' | 'state' | 'attempts' | 'createdAt' | 'userId'>;

export function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Answers worth sending again later: no answer at all, a busy or failing server, an expired session. */
const retryable = (err: unknown) =>
  err instanceof NetworkError || (err instanceof ApiError && (err.status >= 500 || err.status === 429 || err.status === 408 || err.status === 401));

const asError = (err: unknown): OutboxError =>
  err instanceof ApiError ? { status: err.status, code: err.code, message: err.message, field: err.field } : { status: 0, code: 'network', message: String(err) };

export interface Outcome {
  /** The outbox item. */
  id: number;
  /** sent: the server accepted it; queued: kept for later (no network); failed: the server refused it. */
  state: 'sent' | 'queued' | 'failed';
  response?: unknown;
  error?: OutboxError;
}

const RETRY_MS = [5_000, 15_000, 30_000, 60_000];
const jsonCopy = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

export const useOutbox = defineStore('outbox', () => {
  const items = ref<OutboxItem[]>([]);
  const userId = ref<number | null>(null);
  /** Set when the server said the session ended: items wait for the next sign-in. */
  const needsSignIn = ref(false);
  let sending: Promise<void> = Promise.resolve();
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retries = 0;

  const pending = computed(() => items.value.filter((x) => x.state === 'pending' || x.state === 'sending'));
  const failed = computed(() => items.value.filter((x) => x.state === 'failed'));
  /** A task's answer (verification, referral outcome) still on the phone: the task is not open for another. */
  const unsentAnswerOf = (taskId: number) => pending.value.find((x) => x.path.startsWith(`/api/tasks/${taskId}/`));

  async function reload(): Promise<void> {
    if (userId.value == null) return;
    const db = await fieldDb();
    items.value = (await db.getAllFromIndex('outbox', 'byUser', userId.value)).sort((a, b) => a.id! - b.id!);
  }

  async function save(item: OutboxItem): Promise<OutboxItem> {
    const db = await fieldDb();
    // IndexedDB stores structured clones: Vue's reactive proxies cannot be cloned, so the JSON parts
    // are copied and the photo's Blob is taken raw. A new item has no id at all (not an undefined one).
    const raw = toRaw(item);
    const { id, ...rest } = raw;
    const plain: OutboxItem = {
      ...rest,
      body: jsonCopy(raw.body),
      response: jsonCopy(raw.response),
      error: jsonCopy(raw.error),
      photo: raw.photo && { ...toRaw(raw.photo) },
      ...(id != null ? { id } : {}),
    };
    plain.id = await db.put('outbox', plain);
    const i = items.value.findIndex((x) => x.id === plain.id);
    if (i >= 0) items.value.splice(i, 1, plain);
    else items.value.push(plain);
    return plain;
  }

  /** Starts the outbox for the signed-in user: loads their items and sends what waits. */
  async function start(forUser: number): Promise<void> {
    userId.value = forUser;
    // An item left "sending" by a closed page was never answered: send it again (same key).
    const db = await fieldDb();
    for (const x of await db.getAllFromIndex('outbox', 'byUser', forUser)) if (x.state === 'sending') await db.put('outbox', { ...x, state: 'pending' });
    await reload();
    window.addEventListener('online', () => void flush());
    void flush();
  }

  async function sendOne(item: OutboxItem): Promise<void> {
    const headers = { 'Idempotency-Key': item.key };
    const body = { ...item.body };
    if (item.photo) {
      if (item.photo.uploadedId == null) {
        const up = await request<{ id: number }>('POST', '/api/files', { personId: item.photo.personId, content: await blobToBase64(item.photo.blob) }, {
          headers: { 'Idempotency-Key': item.photo.key },
          redirectOn401: false,
        });
        item.photo.uploadedId = up.body.id;
        await save(item);
      }
      body[item.photoField ?? 'photoId'] = item.photo.uploadedId;
    }
    const res = await request(item.method, item.path, body, { headers, redirectOn401: false });
    Object.assign(item, { state: 'sent', response: res.body, error: undefined, sentAt: Date.now() });
  }

  async function sendPending(): Promise<void> {
    // A browser that knows it is offline is not tried (nor the attempt counted); 'online' sends.
    if (navigator.onLine === false) return;
    for (;;) {
      const next = items.value.find((x) => x.state === 'pending');
      if (!next) return;
      next.state = 'sending';
      next.attempts += 1;
      await save(next);
      try {
        await sendOne(next);
        needsSignIn.value = false;
        retries = 0;
      } catch (err) {
        next.error = asError(err);
        if (retryable(err)) {
          next.state = 'pending';
          needsSignIn.value = err instanceof ApiError && err.status === 401;
          await save(next);
          scheduleRetry();
          return;
        }
        next.state = 'failed';
      }
      await save(next);
    }
  }

  /**
   * Sends the pending items one after another, in the order they were made. Runs are chained, never
   * concurrent: a call made while a run is ending still gets a run of its own after it, so an item
   * queued at that moment is not left waiting for the next trigger.
   */
  function flush(): Promise<void> {
    sending = sending.then(sendPending, sendPending);
    return sending;
  }

  function scheduleRetry(): void {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => void flush(), RETRY_MS[Math.min(retries++, RETRY_MS.length - 1)]);
  }

  /**
   * Puts a submission in the outbox and sends it now if the network allows. `replaces` is a failed
   * item being edited: it takes the new body and a new key (the old key belongs to the refused body).
   */
  async function submit(input: NewItem, replaces?: number): Promise<Outcome> {
    if (userId.value == null) throw new Error('outbox not started');
    const base = replaces != null ? items.value.find((x) => x.id === replaces) : undefined;
    const item = await save({
      ...(base ?? {}),
      ...input,
      id: base?.id,
      userId: userId.value,
      key: newKey(),
      photo: input.photo && { ...input.photo, key: newKey(), uploadedId: undefined },
      state: 'pending',
      error: undefined,
      attempts: 0,
      createdAt: base?.createdAt ?? Date.now(),
    } as OutboxItem);
    await flush();
    const now = items.value.find((x) => x.id === item.id)!;
    if (now.state === 'sent') return { id: now.id!, state: 'sent', response: now.response };
    if (now.state === 'failed') return { id: now.id!, state: 'failed', error: now.error };
    return { id: now.id!, state: 'queued' };
  }

  /** A refused item sent again unchanged (the server's state may have changed meanwhile). */
  async function retry(id: number): Promise<void> {
    const item = items.value.find((x) => x.id === id);
    if (!item || item.state !== 'failed') return;
    Object.assign(item, { state: 'pending', error: undefined, key: newKey() });
    await save(item);
    await flush();
  }

  async function remove(id: number): Promise<void> {
    await (await fieldDb()).delete('outbox', id);
    items.value = items.value.filter((x) => x.id !== id);
  }

  /** Sent items older than a day leave the list (the server has them). */
  async function prune(maxAgeMs = 24 * 3600_000): Promise<void> {
    const before = Date.now() - maxAgeMs;
    for (const x of items.value.filter((i) => i.state === 'sent' && (i.sentAt ?? 0) < before)) await remove(x.id!);
  }

  const byId = (id: number) => items.value.find((x) => x.id === id);

  return { items, pending, failed, unsentAnswerOf, needsSignIn, start, submit, flush, retry, remove, prune, reload, byId };
});
